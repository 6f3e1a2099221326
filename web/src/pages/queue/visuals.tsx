import { type CSSProperties, type ReactNode, useEffect, useRef, useState } from 'react';
import { QueueIcon, ShieldIcon } from '../../components/Icons.tsx';
import { StockBar } from '../../components/StockBar.tsx';
import { useLiveSale } from '../../lib/realtime.tsx';
import type { Sale } from '../../lib/types.ts';
import '../QueuePage.css';
import './line.css';

const reducedMotion = () =>
  typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/** A number that counts to its new value (ease-out) instead of jumping: the place in line. */
export function AnimatedNumber({ value, testId }: { value: number; testId?: string }) {
  const [shown, setShown] = useState(value);
  const current = useRef(value);
  const [bump, setBump] = useState(0);
  useEffect(() => {
    const from = current.current;
    if (from === value) return;
    setBump((b) => b + 1);
    if (reducedMotion()) {
      current.current = value;
      setShown(value);
      return;
    }
    const started = performance.now();
    const duration = Math.min(1_400, 450 + Math.abs(value - from) * 25);
    let raf = 0;
    const step = (t: number) => {
      const k = Math.min(1, (t - started) / duration);
      const eased = 1 - (1 - k) ** 3;
      const v = Math.round(from + (value - from) * eased);
      current.current = v;
      setShown(v);
      if (k < 1) raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [value]);
  return (
    <span
      className={`queue__number${bump % 2 ? ' is-tick' : ' is-tock'}`}
      data-testid={testId}
      data-position={value}
    >
      {shown.toLocaleString()}
    </span>
  );
}

/** `value` at most once every `ms` (a screen reader hears the place now and then, not every tick). */
export function useCalm<T>(value: T, ms: number): T {
  const [calm, setCalm] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setCalm(value);
      return;
    }
    const t = setTimeout(() => {
      last.current = Date.now();
      setCalm(value);
    }, wait);
    return () => clearTimeout(t);
  }, [value, ms]);
  return calm;
}

/** The place as a ring that fills from where this buyer started to the front of the line. */
export function ProgressRing({
  progress,
  paused,
  children,
}: {
  progress: number;
  paused: boolean;
  children: ReactNode;
}) {
  const r = 88;
  const c = 2 * Math.PI * r;
  const p = Math.max(0.03, Math.min(1, progress));
  return (
    <div className={`ring${paused ? ' is-paused' : ''}`}>
      <svg viewBox="0 0 200 200" className="ring__svg" aria-hidden="true">
        <circle cx="100" cy="100" r={r} className="ring__track" />
        <circle
          cx="100"
          cy="100"
          r={r}
          className="ring__fill"
          strokeDasharray={c}
          strokeDashoffset={c * (1 - p)}
          transform="rotate(-90 100 100)"
        />
      </svg>
      <div className="ring__inner">{children}</div>
    </div>
  );
}

/* Confetti for "It's your turn!": fixed pieces (no randomness in render), CSS does the rest. */
const CONFETTI = Array.from({ length: 18 }, (_, i) => ({
  x: ((i * 37) % 100) - 50,
  delay: (i % 6) * 0.07,
  rot: (i * 67) % 360,
  hue: ['var(--accent)', 'var(--hot)', 'var(--info)', 'var(--ok)', 'var(--warn)'][i % 5] as string,
}));

export function Confetti() {
  return (
    <div className="confetti" aria-hidden="true">
      {CONFETTI.map((c, i) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed set of pieces
          key={i}
          className="confetti__piece"
          style={
            {
              '--x': `${c.x * 3.2}px`,
              '--r': `${c.rot}deg`,
              '--d': `${c.delay}s`,
              background: c.hue,
            } as CSSProperties
          }
        />
      ))}
    </div>
  );
}

/** The drop this line is for: picture, title, what is left (glanced at: not counted as watching). */
export function SaleStrip({ sale }: { sale: Sale }) {
  const live = useLiveSale(sale.id, true, { presence: false });
  const items = live.state?.items ?? sale.items.filter((i) => i.active !== false);
  const remaining = items.reduce((n, i) => n + i.remaining, 0);
  const stock = items.reduce((n, i) => n + i.stock, 0);
  const image = items.find((i) => i.imageUrl)?.imageUrl;
  return (
    <div className="queue-strip card">
      {image ? <img src={image} alt="" className="queue-strip__img" width={56} height={56} /> : null}
      <div className="queue-strip__text">
        <p className="eyebrow">
          <QueueIcon size={14} /> Waiting room
        </p>
        <p className="queue-strip__title">{sale.title}</p>
        <StockBar remaining={remaining} stock={stock} compact testId="queue-stock" />
      </div>
    </div>
  );
}

export function PowStep({ difficulty }: { difficulty: number }) {
  // The expected work is 2^difficulty hashes; the bar eases towards the end over about that long.
  const expectedMs = Math.max(900, Math.min(60_000, 2 ** difficulty / 300));
  return (
    <section className="queue-step" data-testid="queue-checking" aria-live="polite">
      <div className="queue-step__icon is-scanning">
        <ShieldIcon size={34} />
      </div>
      <h1 className="queue-step__title">Checking you're human…</h1>
      <p className="muted">
        (no captcha) Your browser solves a small puzzle in the background: nothing to tap.
      </p>
      <div className="pow-bar" style={{ '--pow-ms': `${expectedMs}ms` } as CSSProperties}>
        <span className="pow-bar__fill" />
      </div>
    </section>
  );
}
