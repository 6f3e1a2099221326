import { useEffect, useState } from 'react';
import { Countdown } from '../../components/Countdown.tsx';
import { ChartIcon, EyeIcon } from '../../components/Icons.tsx';
import { currentStatus } from '../../components/SaleCard.tsx';
import { StockBar } from '../../components/StockBar.tsx';
import { Notice, ProblemNotice, Skeleton, StatusPill } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { dateTime, money } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { friendlyError } from '../../lib/problems.ts';
import { useLiveSale } from '../../lib/realtime.tsx';
import { Link, useLocation } from '../../lib/router.tsx';
import { useReachedAt, useServerNow } from '../../lib/ticker.ts';
import type { SaleStats } from '../../lib/types.ts';
import { QueuePanel } from './QueuePanel.tsx';
import { Stat } from './Stat.tsx';
import './SaleDashboard.css';

const STATS_EVERY_MS = 3000;

/** Claims per minute, last 15 minutes (what /stats keeps), as bars. */
function ClaimsChart({ stats, now }: { stats: SaleStats; now: number }) {
  const minutes = 15;
  const end = Math.floor(now / 60_000) * 60_000;
  const byMinute = new Map(stats.claimsPerMinute.map((m) => [Date.parse(m.minute), m]));
  const bars = Array.from({ length: minutes }, (_, i) => {
    const t = end - (minutes - 1 - i) * 60_000;
    return { t, claims: byMinute.get(t)?.claims ?? 0 };
  });
  const max = Math.max(1, ...bars.map((b) => b.claims));
  const w = 300;
  const h = 90;
  const bw = w / minutes;
  return (
    <figure className="chart">
      <figcaption className="stat__label">
        <ChartIcon size={14} /> Claims per minute · last 15 min
      </figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`Claims per minute; peak ${max}, this minute ${bars[bars.length - 1]?.claims ?? 0}`}
        preserveAspectRatio="none"
      >
        {bars.map((b, i) => {
          const bh = (b.claims / max) * (h - 4);
          return (
            <rect
              key={b.t}
              x={i * bw + 1}
              y={h - bh}
              width={bw - 2}
              height={Math.max(bh, b.claims > 0 ? 2 : 0.5)}
              rx={1.5}
              className={i === bars.length - 1 ? 'chart__bar is-now' : 'chart__bar'}
            />
          );
        })}
      </svg>
      <div className="chart__axis" aria-hidden="true">
        <span>{minutes} min ago</span>
        <span>now</span>
      </div>
    </figure>
  );
}

/** A sale's live numbers: units left and viewers from the sale channel, the rest from /stats. */
export function SaleDashboard({ saleId }: { saleId: string }) {
  const { search } = useLocation();
  const sale = useLoad((signal) => api.sale(saleId, signal), [saleId]);
  // A glance (presence: false): the host is not one of the sale's viewers. The hub sends every
  // new subscriber the current count at once, glancing or not.
  const live = useLiveSale(saleId, true, { presence: false });
  const [stats, setStats] = useState<SaleStats>();
  const [statsError, setStatsError] = useState<unknown>();
  const now = useServerNow(5000);
  const opened = useReachedAt(sale.data ? Date.parse(sale.data.startsAt) : undefined);
  const closed = useReachedAt(sale.data ? Date.parse(sale.data.endsAt) : undefined);

  useEffect(() => {
    let live = true;
    const load = () =>
      api.saleStats(saleId).then(
        (s) => {
          if (!live) return;
          setStats(s);
          setStatsError(undefined);
        },
        (e) => live && setStatsError(e),
      );
    void load();
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, STATS_EVERY_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [saleId]);

  if (sale.error) return <ProblemNotice problem={friendlyError(sale.error)} />;
  if (!sale.data) return <Skeleton lines={6} />;
  const data = sale.data;
  const items = live.state?.items ?? data.items;
  const left = items.reduce((n, i) => n + i.remaining, 0);
  const stock = items.reduce((n, i) => n + i.stock, 0);
  const status = currentStatus(live.state?.status ?? data.status, opened, closed, left);
  const currency = items[0]?.currency ?? 'USD';
  const thisMinute = stats?.claimsPerMinute.find(
    (m) => Date.parse(m.minute) === Math.floor(now / 60_000) * 60_000,
  );

  return (
    <section className="dashboard" data-testid="sale-dashboard" aria-labelledby="dash-title">
      {search.get('created') === '1' ? (
        <Notice tone="success" title="Drop scheduled" testId="sale-created">
          Buyers see it on the home page now. <Link to={`/sales/${saleId}`}>Open the buyer's view</Link>
        </Notice>
      ) : null}
      <div className="dashboard__head">
        <div>
          <h2 id="dash-title" className="h2">
            {data.title}
          </h2>
          <p className="muted small">
            {dateTime(data.startsAt)} → {dateTime(data.endsAt)}
          </p>
        </div>
        <div className="row">
          <StatusPill status={status} />
          {status === 'scheduled' ? (
            <span className="small">
              opens in <Countdown to={data.startsAt} />
            </span>
          ) : status !== 'ended' ? (
            <span className="small">
              closes in <Countdown to={data.endsAt} />
            </span>
          ) : null}
        </div>
      </div>

      <div className="stats">
        <Stat
          label="Units left"
          value={`${left.toLocaleString()} / ${stock.toLocaleString()}`}
          testId="stat-left"
          live
        />
        <Stat
          label="Watching"
          value={live.viewers !== undefined ? live.viewers.toLocaleString() : '–'}
          testId="stat-viewers"
          live
        />
        <Stat label="Claims this minute" value={String(thisMinute?.claims ?? 0)} testId="stat-cpm" />
        <Stat label="Units sold" value={(stats?.unitsSold ?? 0).toLocaleString()} testId="stat-sold" />
        <Stat label="Revenue" value={money(stats?.revenueCents ?? 0, currency)} testId="stat-revenue" />
        <Stat label="Claims total" value={(stats?.claims ?? 0).toLocaleString()} testId="stat-claims" />
      </div>
      {statsError ? <ProblemNotice problem={friendlyError(statsError)} /> : null}

      {data.waitingRoom ? <QueuePanel saleId={saleId} /> : null}

      <div className="dashboard__grid">
        <div className="card pad">
          {stats ? <ClaimsChart stats={stats} now={now} /> : <Skeleton lines={3} />}
        </div>
        <div className="card pad">
          <p className="stat__label">
            <EyeIcon size={14} /> Stock by item
          </p>
          <ul className="dash-items">
            {items.map((i) => (
              <li key={i.sku}>
                <p className="dash-items__title">
                  {i.title} <span className="mono muted small">{i.sku}</span>
                </p>
                <StockBar remaining={i.remaining} stock={i.stock} testId={`dash-stock-${i.sku}`} />
              </li>
            ))}
          </ul>
        </div>
      </div>
      <p className="muted small">
        Units left and viewers update live; sales numbers refresh every {STATS_EVERY_MS / 1000} s.
      </p>
    </section>
  );
}
