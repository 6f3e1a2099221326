import { useState } from 'react';
import { TextField } from '../../components/ui.tsx';
import { money } from '../../lib/format.ts';
import type { Product } from '../../lib/types.ts';
import './HostParties.css';

/** One variant of the host's catalog as a form row: picked or not, with stock, limit and price. */
export interface PickRow {
  include: boolean;
  stock: string;
  limit: string;
  price: string;
}

/** A whole number typed in a field, or NaN. */
export const wholeNumber = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

/** A hashtag as a host types it (`#sneakers` or `sneakers`). */
export const HASHTAG = /^#?[A-Za-z0-9_]{1,40}$/;

/** The rows of a picker by SKU; an untouched variant has the given defaults. */
export function usePickRows(defaults: { stock: string; limit: string }) {
  const [rows, setRows] = useState<Record<string, PickRow>>({});
  const row = (sku: string): PickRow => rows[sku] ?? { include: false, price: '', ...defaults };
  const setRow = (sku: string, patch: Partial<PickRow>) =>
    setRows((r) => ({ ...r, [sku]: { ...row(sku), ...patch } }));
  return { rows, row, setRow };
}

/**
 * Every variant of the host's products with a checkbox; a picked one shows its stock, limit per
 * buyer and price fields. Used to schedule a drop's items and a show's line-up. Errors are keyed
 * `stock-SKU`, `limit-SKU`, `price-SKU`; test ids are `PREFIX-SKU`, `PREFIX-include-SKU`, ….
 */
export function VariantPicker({
  products = [],
  pick: { row, setRow },
  errors,
  ids: testIdPrefix,
  price: priceLabel,
}: {
  products: readonly Product[] | undefined;
  pick: ReturnType<typeof usePickRows>;
  errors: Record<string, string>;
  /** The prefix of the test ids. */
  ids: string;
  /** The price field's label. */
  price: string;
}) {
  const id = (part: string, sku: string) => `${testIdPrefix}${part ? `-${part}` : ''}-${sku}`;
  return (
    <div className="sched-items">
      {products.flatMap((p) =>
        p.variants.map((v) => {
          const r = row(v.sku);
          return (
            <div key={v.sku} className={`sched-item${r.include ? ' is-on' : ''}`} data-testid={id('', v.sku)}>
              <label className="check sched-item__pick">
                <input
                  type="checkbox"
                  checked={r.include}
                  onChange={(e) => setRow(v.sku, { include: e.target.checked })}
                  data-testid={id('include', v.sku)}
                />
                {p.imageUrl ? <img src={p.imageUrl} alt="" width={40} height={40} /> : null}
                <span>
                  <strong>{p.title}</strong> · {v.title}
                  <span className="muted small block">
                    <span className="mono">{v.sku}</span> · {money(v.priceCents, v.currency)}
                  </span>
                </span>
              </label>
              {r.include ? (
                <div className="sched-item__fields">
                  <TextField
                    label="Stock"
                    inputMode="numeric"
                    value={r.stock}
                    onChange={(e) => setRow(v.sku, { stock: e.target.value })}
                    error={errors[`stock-${v.sku}`]}
                    data-testid={id('stock', v.sku)}
                  />
                  <TextField
                    label="Limit per buyer"
                    inputMode="numeric"
                    value={r.limit}
                    onChange={(e) => setRow(v.sku, { limit: e.target.value })}
                    error={errors[`limit-${v.sku}`]}
                    data-testid={id('limit', v.sku)}
                  />
                  <TextField
                    label={`${priceLabel} (${v.currency})`}
                    inputMode="decimal"
                    value={r.price}
                    placeholder={(v.priceCents / 100).toFixed(2)}
                    onChange={(e) => setRow(v.sku, { price: e.target.value })}
                    error={errors[`price-${v.sku}`]}
                    hint="Empty: the list price."
                    data-testid={id('price', v.sku)}
                  />
                </div>
              ) : null}
            </div>
          );
        }),
      )}
    </div>
  );
}
