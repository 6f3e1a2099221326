import type { ReactNode } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { ClockIcon, QueueIcon } from '../../components/Icons.tsx';
import { Button } from '../../components/ui.tsx';
import { money } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import type { Sale, SaleItem, WaitingRoomConfig, WaitlistEntry } from '../../lib/types.ts';
import { queueOpensAt } from '../../lib/waiting-room.ts';
import '../SalePage.css';

export interface SaleActionProps {
  readonly id: string;
  readonly data: Sale;
  readonly status: string;
  readonly opened: boolean;
  /** A waiting room stands between this buyer and Claim (no admission yet). */
  readonly gated: boolean;
  readonly room: WaitingRoomConfig | null;
  readonly queueOpen: boolean;
  /** The buyer already has a place in line. */
  readonly inLine: boolean;
  readonly selected: SaleItem | undefined;
  readonly selectedOut: boolean;
  readonly waiting: WaitlistEntry | undefined;
  readonly joining: boolean;
  readonly onJoinWaitlist: () => void;
  readonly claiming: boolean;
  readonly retrying: boolean;
  readonly quantity: number;
  readonly limitLeft: number;
  readonly onClaim: () => void;
}

/** The drop's main button: ended, the way into the line, opens in, the waitlist, or Claim. */
export function SaleAction(p: SaleActionProps): ReactNode {
  const { id, data, status, opened, room, selected, waiting, quantity, limitLeft } = p;
  if (status === 'ended') {
    return (
      <Button block size="large" disabled data-testid="claim-button">
        Drop ended
      </Button>
    );
  } else if (p.gated) {
    return p.queueOpen || (room === null && opened) ? (
      <Link
        to={`/sales/${id}/queue`}
        className="btn btn--primary btn--large btn--block btn--claim"
        data-testid="queue-button"
      >
        <QueueIcon size={20} /> {p.inLine ? 'Back to your place in line' : 'Join the line'}
      </Link>
    ) : (
      <Button block size="large" disabled data-testid="queue-button" data-state="locked">
        <ClockIcon size={18} /> Waiting room opens in{' '}
        <Countdown
          to={room ? queueOpensAt(data.startsAt, room) : data.startsAt}
          testId="queue-opens-countdown"
        />
      </Button>
    );
  } else if (status === 'scheduled' || !opened) {
    return (
      <Button block size="large" disabled data-testid="claim-button" data-state="locked">
        <ClockIcon size={18} /> Opens in <Countdown to={data.startsAt} testId="button-countdown" />
      </Button>
    );
  } else if (p.selectedOut && opened) {
    return waiting ? (
      <div className="waitlisted" data-testid="waitlisted">
        <QueueIcon size={18} />
        <span>
          You're on the waitlist{waiting.position ? ` · #${waiting.position} in line` : ''}. A returned unit
          is held for you automatically.
        </span>
      </div>
    ) : (
      <Button
        block
        size="large"
        variant="secondary"
        loading={p.joining}
        onClick={p.onJoinWaitlist}
        data-testid="waitlist-button"
      >
        Sold out · Join the waitlist
      </Button>
    );
  } else {
    return (
      <Button
        block
        size="large"
        className="btn--claim"
        loading={p.claiming}
        onClick={p.onClaim}
        disabled={limitLeft <= 0}
        data-testid="claim-button"
        data-state="open"
      >
        {p.retrying
          ? 'Reconnecting…'
          : p.claiming
            ? 'Claiming…'
            : limitLeft <= 0
              ? 'Limit reached'
              : `Claim${quantity > 1 ? ` ${quantity}` : ''} · ${money((selected?.priceCents ?? 0) * quantity, selected?.currency)}`}
      </Button>
    );
  }
}
