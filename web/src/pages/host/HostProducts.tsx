import { useState } from 'react';
import { PlusIcon } from '../../components/Icons.tsx';
import {
  Button,
  EmptyState,
  Notice,
  ProblemNotice,
  SelectField,
  Skeleton,
  TextField,
} from '../../components/ui.tsx';
import { api, type NewProduct, type ProductPatch } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { friendlyError } from '../../lib/problems.ts';
import type { Product, User } from '../../lib/types.ts';
import {
  checkTags,
  DescriptionField,
  type FieldErrors,
  fromCents,
  hashtagsOf,
  TitleAndTags,
  toCents,
  useHostForm,
  useTextFields,
} from './form-parts.tsx';
import './HostConsole.css';

export const DEMO_IMAGES = ['/demo/sneaker.svg', '/demo/vinyl.svg', '/demo/serum.svg', '/demo/console.svg'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY'];
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Image URLs are sent as typed: an https:// address or a same-origin path like /demo/sneaker.svg. */
const samePath = (a: string, b: string) => a === b || a === `${location.origin}${b}`;

interface VariantRow {
  key: number;
  sku: string;
  title: string;
  price: string;
  currency: string;
  existing: boolean;
}

let rowKey = 1;
const newRow = (): VariantRow => ({
  key: rowKey++,
  sku: '',
  title: '',
  price: '',
  currency: 'USD',
  existing: false,
});

function ProductForm({
  product,
  onSaved,
  onCancel,
}: {
  product?: Product;
  onSaved: (p: Product) => void;
  onCancel?: () => void;
}) {
  const editing = !!product;
  const text = useTextFields(() => ({
    title: product?.title ?? '',
    description: product?.description ?? '',
    imageUrl: product?.imageUrl ?? '',
    tags: (product?.hashtags ?? []).map((t) => `#${t}`).join(' '),
  }));
  const { bind } = text;
  const { title, description, imageUrl, tags } = text.values;
  const [rows, setRows] = useState<VariantRow[]>(
    product
      ? product.variants.map((v) => ({
          key: rowKey++,
          sku: v.sku,
          title: v.title,
          price: fromCents(v.priceCents),
          currency: v.currency,
          existing: true,
        }))
      : [newRow()],
  );
  const { errors, problem, busy, submit } = useHostForm();

  const setRow = (key: number, patch: Partial<VariantRow>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const check = (e: FieldErrors) => {
    if (!title.trim()) e.title = 'Give the product a title.';
    const url = imageUrl.trim();
    if (url && !/^(https?:\/\/|\/)\S+$/.test(url))
      e.imageUrl = 'Use an https:// address or a path like /demo/sneaker.svg.';
    checkTags(tags, e, ': letters, digits and _ only');
    const skus = new Set<string>();
    for (const r of rows) {
      if (!SKU.test(r.sku.trim()))
        e[`sku-${r.key}`] = 'Letters, digits, . _ - (starts with a letter or digit).';
      else if (skus.has(r.sku.trim())) e[`sku-${r.key}`] = 'Listed twice.';
      skus.add(r.sku.trim());
      if (!r.title.trim()) e[`title-${r.key}`] = 'Name the variant (e.g. EU 42).';
      if (!Number.isFinite(toCents(r.price))) e[`price-${r.key}`] = 'A price like 49 or 49.99.';
    }
    const hashtags = hashtagsOf(tags);
    return async () => {
      let saved: Product;
      if (product) {
        const patch: ProductPatch = {
          title: title.trim(),
          description: description.trim(),
          imageUrl: imageUrl.trim() || null,
          hashtags,
          variants: rows.map((r) => ({ sku: r.sku, title: r.title.trim(), priceCents: toCents(r.price) })),
        };
        saved = await api.updateProduct(product.id, patch);
      } else {
        const body: NewProduct = {
          title: title.trim(),
          ...(description.trim() ? { description: description.trim() } : {}),
          ...(imageUrl.trim() ? { imageUrl: imageUrl.trim() } : {}),
          hashtags,
          variants: rows.map((r) => ({
            sku: r.sku.trim(),
            title: r.title.trim(),
            priceCents: toCents(r.price),
            currency: r.currency,
          })),
        };
        saved = await api.createProduct(body);
      }
      onSaved(saved);
    };
  };

  return (
    <form
      className="card pad form"
      onSubmit={(ev) => void submit(ev, check)}
      noValidate
      data-testid="product-form"
    >
      <h3 className="h3">{editing ? `Edit ${product?.title}` : 'New product'}</h3>
      <div className="form-grid">
        <TitleAndTags
          prefix="product"
          bind={bind}
          errors={errors}
          tagsHint="Separated by spaces: #sneakers #drop"
        />
      </div>
      <DescriptionField
        id="product-description"
        label="Description"
        className="field"
        rows={3}
        {...bind('description')}
      />
      <TextField
        label="Image URL"
        {...bind('imageUrl')}
        error={errors.imageUrl}
        placeholder="https://… or /demo/sneaker.svg"
        data-testid="product-image"
      />
      <fieldset className="image-picks">
        <legend className="sr-only">Demo images</legend>
        {DEMO_IMAGES.map((src) => (
          <button
            key={src}
            type="button"
            className="image-pick"
            aria-pressed={samePath(imageUrl, src)}
            onClick={() => text.set('imageUrl', src)}
            title={src}
          >
            <img src={src} alt={`Use ${src.split('/').pop()}`} width={56} height={56} />
          </button>
        ))}
      </fieldset>

      <fieldset className="variants">
        <legend className="field__label">Variants</legend>
        {editing ? (
          <p className="muted small">
            SKU and currency are fixed once created; titles and prices can change.
          </p>
        ) : null}
        {rows.map((r, i) => (
          <div key={r.key} className="variant-row" data-testid="variant-row">
            <TextField
              label="SKU"
              value={r.sku}
              disabled={r.existing}
              onChange={(e) => setRow(r.key, { sku: e.target.value })}
              error={errors[`sku-${r.key}`]}
              data-testid={`variant-sku-${i}`}
            />
            <TextField
              label="Variant"
              value={r.title}
              onChange={(e) => setRow(r.key, { title: e.target.value })}
              error={errors[`title-${r.key}`]}
              placeholder="EU 42"
              data-testid={`variant-title-${i}`}
            />
            <TextField
              label="Price"
              inputMode="decimal"
              value={r.price}
              onChange={(e) => setRow(r.key, { price: e.target.value })}
              error={errors[`price-${r.key}`]}
              placeholder="49.99"
              data-testid={`variant-price-${i}`}
            />
            <SelectField
              label="Currency"
              value={r.currency}
              disabled={r.existing}
              onChange={(e) => setRow(r.key, { currency: e.target.value })}
            >
              {CURRENCIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </SelectField>
            {!r.existing && rows.length > 1 ? (
              <button
                type="button"
                className="linkish variant-row__remove"
                onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
              >
                Remove
              </button>
            ) : null}
          </div>
        ))}
        {editing ? null : (
          <Button variant="ghost" size="small" onClick={() => setRows((rs) => [...rs, newRow()])}>
            <PlusIcon size={16} /> Add a variant
          </Button>
        )}
      </fieldset>

      {problem ? <ProblemNotice problem={problem} testId="product-problem" /> : null}
      <div className="row">
        <Button type="submit" loading={busy} data-testid="product-save">
          {editing ? 'Save changes' : 'Create product'}
        </Button>
        {onCancel ? (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}

/** The host's products: list, create, edit. */
export function HostProducts({ user }: { user: User }) {
  const products = useLoad(() => api.products({ host: user.id, limit: 200 }), [user.id]);
  const [mode, setMode] = useState<'list' | 'new' | string>('list');
  const [saved, setSaved] = useState<string>();

  const onSaved = (p: Product) => {
    products.setData((list) => [p, ...(list ?? []).filter((x) => x.id !== p.id)]);
    setSaved(p.title);
    setMode('list');
  };

  return (
    <section aria-labelledby="host-products" data-testid="host-products">
      <div className="section__head">
        <h2 id="host-products">Products</h2>
        {mode === 'list' ? (
          <Button
            size="small"
            onClick={() => {
              setSaved(undefined);
              setMode('new');
            }}
            data-testid="new-product"
          >
            <PlusIcon size={16} /> New product
          </Button>
        ) : null}
      </div>
      {saved && mode === 'list' ? (
        <Notice tone="success" title={`Saved “${saved}”`} testId="product-saved">
          It can go into a drop now.
        </Notice>
      ) : null}
      {mode === 'new' ? <ProductForm onSaved={onSaved} onCancel={() => setMode('list')} /> : null}
      {products.error ? <ProblemNotice problem={friendlyError(products.error)} /> : null}
      {products.loading && !products.data ? <Skeleton lines={4} /> : null}
      {products.data && products.data.length === 0 && mode === 'list' ? (
        <EmptyState title="No products yet">
          <p>Create a product with its variants (sizes, editions), then schedule a drop.</p>
        </EmptyState>
      ) : null}
      <ul className="product-list">
        {(products.data ?? []).map((p) =>
          mode === p.id ? (
            <li key={p.id}>
              <ProductForm product={p} onSaved={onSaved} onCancel={() => setMode('list')} />
            </li>
          ) : (
            <li key={p.id} className="card product-row" data-testid="product-row">
              {p.imageUrl ? (
                <img src={p.imageUrl} alt="" width={72} height={72} className="product-row__img" />
              ) : null}
              <div className="product-row__main">
                <p className="product-row__title">{p.title}</p>
                <p className="muted small">{p.hashtags.map((t) => `#${t}`).join(' ')}</p>
                <ul className="variant-chips">
                  {p.variants.map((v) => (
                    <li key={v.sku}>
                      <span className="mono">{v.sku}</span> · {v.title} · {money(v.priceCents, v.currency)}
                    </li>
                  ))}
                </ul>
              </div>
              <Button
                variant="secondary"
                size="small"
                onClick={() => {
                  setSaved(undefined);
                  setMode(p.id);
                }}
                aria-label={`Edit ${p.title}`}
              >
                Edit
              </Button>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}
