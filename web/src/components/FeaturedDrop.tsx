import { priceRange } from '../lib/format.ts';
import { useLiveSale } from '../lib/realtime.tsx';
import { Link } from '../lib/router.tsx';
import type { Sale } from '../lib/types.ts';
import { Countdown } from './Countdown.tsx';
import { EyeIcon } from './Icons.tsx';
import { StockBar } from './StockBar.tsx';
import { StatusPill } from './ui.tsx';
import './FeaturedDrop.css';

/** The drop of the moment, big, beside the headline on wide screens. */
export function FeaturedDrop({ sale }: { sale: Sale }) {
  const live = useLiveSale(sale.id, true, { presence: false });
  const items = live.state?.items ?? sale.items.filter((i) => i.active !== false);
  const remaining = items.reduce((n, i) => n + i.remaining, 0);
  const stock = items.reduce((n, i) => n + i.stock, 0);
  const image = items.find((i) => i.imageUrl)?.imageUrl;
  return (
    <article className="featured" data-testid="featured-drop">
      <div className="featured__media">
        {image ? <img src={image} alt="" className="featured__img" width={800} height={800} /> : null}
        <div className="featured__top">
          <StatusPill status={remaining > 0 ? 'live' : 'sold_out'} />
          {live.viewers !== undefined ? (
            <span className="viewers">
              <EyeIcon size={16} /> {live.viewers.toLocaleString()} watching
            </span>
          ) : null}
        </div>
      </div>
      <div className="featured__body">
        <p className="eyebrow">Dropping now</p>
        <h2 className="featured__title">
          <Link to={`/sales/${sale.id}`} className="stretched">
            {sale.title}
          </Link>
        </h2>
        <div className="featured__meta">
          <span className="featured__price">{priceRange(items)}</span>
          <span>
            Ends in <Countdown to={sale.endsAt} testId="featured-countdown" />
          </span>
        </div>
        <StockBar remaining={remaining} stock={stock} compact />
        <span className="btn btn--primary featured__cta" aria-hidden="true">
          Shop the drop →
        </span>
      </div>
    </article>
  );
}
