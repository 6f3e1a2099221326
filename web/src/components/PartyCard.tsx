import { dateTime, partySchedule } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import type { Party } from '../lib/types.ts';
import { Countdown } from './Countdown.tsx';
import { RepeatIcon } from './Icons.tsx';
import './PartyCard.css';

/**
 * A party on the home page: its rule ("Every day at 20:00 (Europe/Paris)"), a countdown to its
 * next start on server time, and a link to its current or next sale (`sales[0]`) once the
 * scheduler has created it (a day ahead). `now` is server time, from the page's ticker.
 */
export function PartyCard({ party, now }: { party: Party; now: number }) {
  const sale = party.sales.find((s) => Date.parse(s.endsAt) > now);
  const on = sale !== undefined && Date.parse(sale.startsAt) <= now;
  const next = party.nextOccurrences.find((t) => Date.parse(t) > now);
  return (
    <article
      className={`card party-card${on ? ' is-on' : ''}`}
      data-testid={`party-card-${party.id}`}
      data-on={on ? 'true' : 'false'}
    >
      <div className="party-card__top">
        {party.hashtags.length > 0 ? (
          <p className="party-card__tags">{party.hashtags.map((t) => `#${t}`).join(' ')}</p>
        ) : (
          <span />
        )}
        {on ? (
          <span className="pill pill--live">
            <span className="pill__dot" aria-hidden="true" />
            On now
          </span>
        ) : (
          <span className="badge badge--muted">
            <RepeatIcon size={13} /> Party
          </span>
        )}
      </div>
      <h3 className="party-card__title">{party.title}</h3>
      <p className="party-card__schedule" data-testid="party-schedule">
        <RepeatIcon size={15} /> {partySchedule(party.recurrence)}
      </p>
      {party.description ? <p className="party-card__desc">{party.description}</p> : null}
      <div className="party-card__foot">
        <p className="party-card__next" title={next && !on ? dateTime(next) : undefined}>
          {on && sale ? (
            <>
              Ends in <Countdown to={sale.endsAt} testId="party-countdown" />
            </>
          ) : next ? (
            <>
              Next in <Countdown to={next} testId="party-countdown" />
            </>
          ) : (
            'No date yet'
          )}
        </p>
        {sale ? (
          <Link
            to={`/sales/${sale.id}`}
            className={`btn btn--small ${on ? 'btn--primary' : 'btn--secondary'}`}
            data-testid="party-sale-link"
          >
            {on ? 'Shop now' : 'See the drop'}
          </Link>
        ) : null}
      </div>
    </article>
  );
}
