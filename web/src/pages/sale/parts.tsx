import { Countdown } from '../../components/Countdown.tsx';
import { BoltIcon, RepeatIcon } from '../../components/Icons.tsx';
import { StockBar } from '../../components/StockBar.tsx';
import { api } from '../../lib/api.ts';
import { dateTime, money, partySchedule } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import type { Sale, SaleItem } from '../../lib/types.ts';
import '../SalePage.css';

/** "Part of Vinyl Night Party — every day at 20:00 (Europe/Paris)": the party a sale belongs to. */
export function PartyLine({ partyId }: { partyId: string }) {
  const party = useLoad((signal) => api.party(partyId, signal), [partyId]);
  if (!party.data) return null;
  const when = partySchedule(party.data.recurrence).replace(/^(Every|Weekdays|Weekends)/, (m) =>
    m.toLowerCase(),
  );
  return (
    <p className="sale__party" data-testid="sale-party">
      <RepeatIcon size={15} />
      <span>
        Part of <strong>{party.data.title}</strong> — {when}
      </span>
    </p>
  );
}

/** One pick of the drop (a radio): picture, title, price and its live stock. */
export function ItemOption({
  item,
  checked,
  onSelect,
  name,
}: {
  item: SaleItem;
  checked: boolean;
  onSelect: () => void;
  name: string;
}) {
  const out = item.remaining <= 0;
  return (
    <label
      className={`option${checked ? ' is-checked' : ''}${out ? ' is-out' : ''}`}
      data-testid={`item-${item.sku}`}
    >
      <input type="radio" name={name} checked={checked} onChange={onSelect} className="sr-only" />
      {item.imageUrl ? (
        <img src={item.imageUrl} alt="" className="option__img" width={56} height={56} />
      ) : null}
      <span className="option__text">
        <span className="option__title">{item.title}</span>
        <span className="option__price">{money(item.priceCents, item.currency)}</span>
      </span>
      <span className="option__stock">
        <StockBar remaining={item.remaining} stock={item.stock} compact testId={`stock-${item.sku}`} />
      </span>
    </label>
  );
}

/** The drop's clock: opens in (segments), ends in, or when it ended. */
export function SaleClock({ status, data }: { status: string; data: Sale }) {
  return (
    <div className={`sale__clock sale__clock--${status}`}>
      {status === 'scheduled' ? (
        <>
          <p className="sale__clock-label">Drop opens in</p>
          <Countdown
            to={data.startsAt}
            format="segments"
            testId="sale-countdown"
            label={`Opens ${dateTime(data.startsAt)}`}
          />
        </>
      ) : status === 'ended' ? (
        <p className="sale__clock-label">Ended {dateTime(data.endsAt)}</p>
      ) : (
        <>
          <p className="sale__clock-label">Ends in</p>
          <Countdown to={data.endsAt} testId="sale-countdown" className="sale__ends" />
        </>
      )}
    </div>
  );
}

/** A waiting room's admission, while it lasts: the turn's timer beside Claim. */
export function AdmissionBanner({ until }: { until: number }) {
  return (
    <div className="admission" data-testid="admission-banner" role="status">
      <span className="admission__icon" aria-hidden="true">
        <BoltIcon size={16} />
      </span>
      <span>
        <strong>You're in!</strong> Your turn ends in{' '}
        <Countdown to={until} format="clock" className="admission__timer" testId="admission-timer" />
      </span>
    </div>
  );
}
