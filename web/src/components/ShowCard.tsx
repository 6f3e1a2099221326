import { money } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useReachedAt } from '../lib/ticker.ts';
import type { Show } from '../lib/types.ts';
import { Countdown } from './Countdown.tsx';
import './ShowCard.css';

const dayTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * A show in the home page's row: live (pulsing) or upcoming (a countdown on server time when it
 * starts within a day). No subscription: a card only glances, the room is where the live data is.
 */
export function ShowCard({ show }: { show: Show }) {
  const started = useReachedAt(Date.parse(show.startsAt));
  const soon = Date.parse(show.startsAt) - Date.parse(show.serverTime) < 24 * 3_600_000;
  const live = show.status === 'live';
  const image = show.featured?.imageUrl;
  return (
    <article
      className={`show-card${live ? ' is-live' : ''}`}
      data-testid={`show-card-${show.id}`}
      data-status={show.status}
    >
      <div className="show-card__media">
        {image ? <img className="show-card__img" src={image} alt="" loading="lazy" decoding="async" /> : null}
        <span className="show-card__monogram" aria-hidden="true">
          {(show.hostName.trim()[0] ?? '?').toUpperCase()}
        </span>
        <div className="show-card__badges">
          {live ? (
            <span className="pill pill--live">
              <span className="pill__dot" aria-hidden="true" />
              Live
            </span>
          ) : (
            <span className="pill pill--scheduled">
              {started ? (
                'Starting'
              ) : soon ? (
                <>
                  In <Countdown to={show.startsAt} testId="show-card-countdown" />
                </>
              ) : (
                dayTime(show.startsAt)
              )}
            </span>
          )}
        </div>
        {show.featured ? (
          <span className="show-card__price">{money(show.featured.priceCents, show.featured.currency)}</span>
        ) : null}
      </div>
      <div className="show-card__body">
        <h3 className="show-card__title">
          <Link to={`/shows/${show.id}`} className="stretched">
            {show.title}
          </Link>
        </h3>
        <p className="show-card__host">{show.hostName}</p>
      </div>
    </article>
  );
}
