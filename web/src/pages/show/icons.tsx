import type { ReactNode } from 'react';

/*
 * The room's own symbols as inline SVG, not emoji: they look the same on every device (an
 * emoji font is not a given, e.g. on Linux desktops) and take the room's colours.
 */

function Svg({ size, children }: { size: number; children: ReactNode }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

const INK = '#4a2c00';

const REACTION_ART: Record<string, ReactNode> = {
  heart: (
    <path
      d="M12 21s-7.6-4.7-9.7-9.4C.8 8.1 3 4.4 6.7 4.4c2.1 0 3.6 1.2 4.4 2.7.8-1.5 2.3-2.7 4.4-2.7 3.7 0 5.9 3.7 4.4 7.2C19.6 16.3 12 21 12 21z"
      fill="#ff4d6d"
    />
  ),
  fire: (
    <>
      <path
        d="M12 2.2c.7 3.3-1.2 5.1-2.9 7C7.4 11 6 12.9 6 15.4c0 3.5 2.7 6.1 6 6.1s6-2.6 6-6.1c0-2.4-1.1-4.3-2.4-5.7-.3 1.4-1 2.5-2.2 3.1.4-3.9-.6-7.6-1.4-10.6z"
        fill="#ff7a3d"
      />
      <path
        d="M12 21.5c-1.9 0-3.3-1.4-3.3-3.3 0-1.6 1-2.8 2.1-4 .3 1 .9 1.7 1.8 2 .1-1 .4-2 .9-2.8 1 1.2 1.7 2.6 1.7 4.1 0 2.3-1.4 4-3.2 4z"
        fill="#ffd23f"
      />
    </>
  ),
  laugh: (
    <>
      <circle cx="12" cy="12" r="10" fill="#ffc93c" />
      <path
        d="M7.3 9.6q1.6-1.8 3.2 0M13.5 9.6q1.6-1.8 3.2 0"
        stroke={INK}
        strokeWidth="1.7"
        fill="none"
        strokeLinecap="round"
      />
      <path d="M6.8 13h10.4a5.2 5.2 0 0 1-10.4 0z" fill={INK} />
      <path
        d="M9 16.6a4.6 4.6 0 0 0 6 0"
        stroke="#ff6b81"
        strokeWidth="1.6"
        fill="none"
        strokeLinecap="round"
      />
    </>
  ),
  wow: (
    <>
      <circle cx="12" cy="12" r="10" fill="#ffc93c" />
      <path d="M6.8 7.4l2.6-.9M17.2 7.4l-2.6-.9" stroke={INK} strokeWidth="1.5" strokeLinecap="round" />
      <circle cx="8.7" cy="10.4" r="1.5" fill={INK} />
      <circle cx="15.3" cy="10.4" r="1.5" fill={INK} />
      <ellipse cx="12" cy="16" rx="2.3" ry="2.9" fill={INK} />
    </>
  ),
  clap: (
    <>
      <rect x="4.6" y="7.5" width="8" height="13.5" rx="4" fill="#f5a524" transform="rotate(-16 8.6 14.2)" />
      <rect x="11.4" y="7.5" width="8" height="13.5" rx="4" fill="#ffd27a" transform="rotate(14 15.4 14.2)" />
      <path
        d="M12 1.8v2.7M7.3 3.2l1.3 2.1M16.7 3.2l-1.3 2.1"
        stroke="#ffd27a"
        strokeWidth="1.7"
        strokeLinecap="round"
      />
    </>
  ),
};

/** A reaction's picture (an unknown type from a newer server: its name). */
export function ReactionIcon({ type, size = 22 }: { type: string; size?: number }) {
  const art = REACTION_ART[type];
  if (!art) return <span className="reactions__word">{type}</span>;
  return <Svg size={size}>{art}</Svg>;
}

export function GavelIcon({ size = 14 }: { size?: number }) {
  return (
    <Svg size={size}>
      <g fill="currentColor" transform="rotate(-45 12 12)">
        <rect x="6.5" y="2.5" width="11" height="6" rx="1.6" />
        <rect x="10.8" y="8.5" width="2.4" height="11" rx="1.2" />
      </g>
      <rect x="2.5" y="19.5" width="10" height="2.5" rx="1.2" fill="currentColor" />
    </Svg>
  );
}

export function GiftIcon({ size = 14 }: { size?: number }) {
  return (
    <Svg size={size}>
      <g fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round">
        <rect x="3.5" y="8.5" width="17" height="4.5" rx="1" />
        <rect x="5" y="13" width="14" height="8" rx="1" />
        <path d="M12 8.5V21M12 8.5c-1.6-3.2-5.4-4.1-5.8-2.1-.3 1.8 2.7 2.1 5.8 2.1zm0 0c1.6-3.2 5.4-4.1 5.8-2.1.3 1.8-2.7 2.1-5.8 2.1z" />
      </g>
    </Svg>
  );
}

export function SoundOffIcon({ size = 16 }: { size?: number }) {
  return (
    <Svg size={size}>
      <g fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z" fill="currentColor" />
        <path d="M16 9.5l5 5M21 9.5l-5 5" />
      </g>
    </Svg>
  );
}
