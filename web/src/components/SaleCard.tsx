import { priceRange } from '../lib/format.ts';
import { useOnScreen } from '../lib/hooks.ts';
import { useLiveSale } from '../lib/realtime.tsx';
import { Link } from '../lib/router.tsx';
import { useReachedAt } from '../lib/ticker.ts';
import type { Sale, SaleStatus } from '../lib/types.ts';
import { Countdown } from './Countdown.tsx';
import { QueueIcon } from './Icons.tsx';
import { StockBar } from './StockBar.tsx';
import { StatusPill } from './ui.tsx';
import './SaleCard.css';

/** The status now, from the channel if it spoke, else from the listing and the server clock. */
export function currentStatus(
  base: SaleStatus,
  opened: boolean,
  closed: boolean,
  remaining: number,
): SaleStatus {
  if (closed) return 'ended';
  if (!opened) return 'scheduled';
  if (base === 'scheduled' || base === 'live' || base === 'sold_out')
    return remaining > 0 ? 'live' : 'sold_out';
  return base;
}

/** A drop on the home page: live stock while on screen, countdown to opening or closing. */
export function SaleCard({ sale, priority }: { sale: Sale; priority?: boolean }) {
  const [ref, visible] = useOnScreen<HTMLElement>();
  const live = useLiveSale(sale.id, visible, { presence: false });
  const items = live.state?.items ?? sale.items.filter((i) => i.active !== false);
  const remaining = items.reduce((n, i) => n + i.remaining, 0);
  const stock = items.reduce((n, i) => n + i.stock, 0);
  const opened = useReachedAt(Date.parse(sale.startsAt));
  const closed = useReachedAt(Date.parse(sale.endsAt));
  const status = currentStatus(live.state?.status ?? sale.status, opened, closed, remaining);
  const image = items.find((i) => i.imageUrl)?.imageUrl;
  const lowest = items.filter((i) => i.remaining > 0).sort((a, b) => a.remaining - b.remaining)[0];
  const lowBadge = status === 'live' && lowest && lowest.remaining <= 10 ? lowest.remaining : undefined;

  return (
    <article
      ref={ref}
      className={`card sale-card is-${status}`}
      data-testid={`sale-card-${sale.id}`}
      data-status={status}
    >
      <div className="sale-card__media">
        {image ? (
          <img
            className="sale-card__img"
            src={image}
            alt=""
            loading={priority ? 'eager' : 'lazy'}
            decoding="async"
            width={640}
            height={480}
          />
        ) : (
          <div className="sale-card__placeholder" aria-hidden="true" />
        )}
        <div className="sale-card__badges">
          <StatusPill status={status} />
          {lowBadge ? (
            <span className="badge badge--hot" data-testid="low-badge">
              Only {lowBadge} left
            </span>
          ) : null}
        </div>
        {sale.waitingRoom ? (
          <span className="sale-card__queue" title="This drop has a waiting room">
            <QueueIcon size={16} /> Queue
          </span>
        ) : null}
      </div>
      <div className="sale-card__body">
        {sale.hashtags.length > 0 ? (
          <p className="sale-card__tags">{sale.hashtags.map((t) => `#${t}`).join(' ')}</p>
        ) : null}
        <h3 className="sale-card__title">
          <Link to={`/sales/${sale.id}`} className="stretched">
            {sale.title}
          </Link>
        </h3>
        <p className="sale-card__price">{priceRange(items)}</p>
        <div className="sale-card__meta">
          {status === 'scheduled' ? (
            <span className="sale-card__when">
              Opens in <Countdown to={sale.startsAt} testId="card-countdown" />
            </span>
          ) : status === 'ended' ? (
            <span className="sale-card__when">Ended</span>
          ) : (
            <span className="sale-card__when">
              Ends in <Countdown to={sale.endsAt} testId="card-countdown" />
            </span>
          )}
        </div>
        {status !== 'scheduled' && status !== 'ended' ? (
          <StockBar remaining={remaining} stock={stock} compact testId={`card-stock-${sale.id}`} />
        ) : null}
      </div>
    </article>
  );
}
