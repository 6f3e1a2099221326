import { useMemo, useState } from 'react';
import { StockBar } from '../../../components/StockBar.tsx';
import { Button, ProblemNotice } from '../../../components/ui.tsx';
import { api } from '../../../lib/api.ts';
import { money } from '../../../lib/format.ts';
import type { Product, Show } from '../../../lib/types.ts';
import { fromCents, toCents } from '../form-parts.tsx';
import { type LineupItem, loadLineup } from '../HostShows.tsx';
import { wholeNumber } from '../VariantPicker.tsx';
import { Panel, useAction, type Variant, variantsOf } from './Panel.tsx';
import '../../show/cards.css';

// Products: what is featured (live stock), the line-up, the rest of the catalog; pin one.

function FeatureRow({
  v,
  plan,
  featured,
  disabled,
  onFeature,
  busy,
}: {
  v: Variant;
  plan: LineupItem | undefined;
  featured: boolean;
  disabled: boolean;
  busy: boolean;
  onFeature: (body: { sku: string; stock: number; priceCents: number; perBuyerLimit: number }) => void;
}) {
  const [stock, setStock] = useState(String(plan?.stock ?? 10));
  const [price, setPrice] = useState(fromCents(plan?.priceCents ?? v.priceCents));
  const [limit, setLimit] = useState(String(plan?.perBuyerLimit ?? 1));
  const [error, setError] = useState<string>();
  const submit = () => {
    const s = wholeNumber(stock);
    const l = wholeNumber(limit);
    const p = toCents(price);
    if (!(s >= 1) || !(l >= 1) || !Number.isFinite(p)) {
      setError('Stock and limit: whole numbers from 1; price like 25 or 24.99.');
      return;
    }
    setError(undefined);
    onFeature({ sku: v.sku, stock: s, priceCents: p, perBuyerLimit: l });
  };
  return (
    <li className={`feature-row${featured ? ' is-featured' : ''}`} data-testid={`feature-row-${v.sku}`}>
      <div className="feature-row__what">
        {v.imageUrl ? <img src={v.imageUrl} alt="" width={40} height={40} /> : null}
        <span>
          <strong>{v.product}</strong> · {v.title}
          <span className="muted small block">
            <span className="mono">{v.sku}</span>
            {plan ? ' · in the line-up' : ''}
          </span>
        </span>
      </div>
      <div className="feature-row__fields">
        <label>
          <span>{featured ? 'Add units' : 'Units'}</span>
          <input
            className="input"
            inputMode="numeric"
            value={stock}
            onChange={(e) => setStock(e.target.value)}
            data-testid={`feature-stock-${v.sku}`}
          />
        </label>
        <label>
          <span>Price ({v.currency})</span>
          <input
            className="input"
            inputMode="decimal"
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            data-testid={`feature-price-${v.sku}`}
          />
        </label>
        <label>
          <span>Limit</span>
          <input
            className="input"
            inputMode="numeric"
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            data-testid={`feature-limit-${v.sku}`}
          />
        </label>
        <Button
          size="small"
          loading={busy}
          disabled={disabled}
          onClick={submit}
          data-testid={`feature-${v.sku}`}
        >
          {featured ? 'Restock' : 'Feature'}
        </Button>
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

export function ProductsControl({ show, products }: { show: Show; products: Product[] | undefined }) {
  const { busy, problem, run } = useAction();
  const lineup = useMemo(() => loadLineup(show.id), [show.id]);
  const variants = variantsOf(products);
  const planned = lineup.flatMap((l) => variants.filter((v) => v.sku === l.sku));
  const others = variants.filter((v) => !lineup.some((l) => l.sku === v.sku));
  const ended = show.status === 'ended';
  const f = show.featured;
  const row = (v: Variant) => (
    <FeatureRow
      key={v.sku}
      v={v}
      plan={lineup.find((l) => l.sku === v.sku)}
      featured={f?.sku === v.sku}
      disabled={ended || busy !== undefined}
      busy={busy === v.sku}
      onFeature={(body) => void run(v.sku, () => api.feature(show.id, body))}
    />
  );
  return (
    <Panel title="Products" testId="control-products">
      {f ? (
        <div className="control__featured" data-testid="host-featured" data-sku={f.sku}>
          {f.imageUrl ? <img src={f.imageUrl} alt="" width={56} height={56} /> : null}
          <div className="control__featured-text">
            <p className="room-card__eyebrow">Featured now</p>
            <p className="control__featured-title">{f.title}</p>
            <p className="small">
              {money(f.priceCents, f.currency)} · limit {f.perBuyerLimit}
            </p>
            <StockBar remaining={f.remaining} stock={f.stock} compact testId="host-featured-stock" />
          </div>
          <Button
            variant="ghost"
            size="small"
            loading={busy === 'unpin'}
            disabled={ended}
            onClick={() => void run('unpin', () => api.unfeature(show.id))}
            data-testid="unfeature"
          >
            Unpin
          </Button>
        </div>
      ) : (
        <p className="muted small">Nothing featured: pin a product and viewers buy it with one tap.</p>
      )}
      {problem ? <ProblemNotice problem={problem} testId="feature-problem" /> : null}
      {planned.length > 0 ? (
        <>
          <p className="control__sub">Line-up</p>
          <ul className="feature-list">{planned.map(row)}</ul>
        </>
      ) : null}
      {others.length > 0 ? (
        <details className="control__more" open={planned.length === 0 && !f}>
          <summary>
            {planned.length > 0 ? `Other products (${others.length})` : `Your catalog (${others.length})`}
          </summary>
          <ul className="feature-list">{others.map(row)}</ul>
        </details>
      ) : null}
    </Panel>
  );
}
