import { type FormEvent, useState } from 'react';
import { Button, EmptyState, ProblemNotice, Skeleton, TextField } from '../../components/ui.tsx';
import { api, type NewSale } from '../../lib/api.ts';
import { serverClock } from '../../lib/clock.ts';
import { toLocalInput } from '../../lib/format.ts';
import { useLoad } from '../../lib/hooks.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { Link, navigate } from '../../lib/router.tsx';
import type { User } from '../../lib/types.ts';
import { parseTags, toCents } from './HostProducts.tsx';
import { HASHTAG, usePickRows, VariantPicker, wholeNumber } from './VariantPicker.tsx';

/** Schedule a drop: items from the host's products, times, holds, an optional waiting room. */
export function ScheduleSale({ user }: { user: User }) {
  const products = useLoad(() => api.products({ host: user.id, limit: 200 }), [user.id]);
  const [title, setTitle] = useState('');
  const [tags, setTags] = useState('');
  const [startsAt, setStartsAt] = useState(() => toLocalInput(serverClock.now() + 10 * 60_000));
  const [endsAt, setEndsAt] = useState(() => toLocalInput(serverClock.now() + 70 * 60_000));
  const [startNow, setStartNow] = useState(false);
  const [hold, setHold] = useState('300');
  const { rows: items, row, setRow } = usePickRows({ stock: '50', limit: '1' });
  const [room, setRoom] = useState(false);
  const [admitPerMinute, setAdmit] = useState('120');
  const [maxActive, setMaxActive] = useState('500');
  const [opensBefore, setOpensBefore] = useState('600');
  const [ttl, setTtl] = useState('600');
  const [pow, setPow] = useState('0');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Friendly>();
  const [busy, setBusy] = useState(false);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setProblem(undefined);
    const e: Record<string, string> = {};
    if (!title.trim()) e.title = 'Name the drop.';
    const badTag = parseTags(tags).find((t) => !HASHTAG.test(t));
    if (badTag) e.tags = `"${badTag}" is not a hashtag.`;
    const start = startNow ? serverClock.now() : new Date(startsAt).getTime();
    const end = new Date(endsAt).getTime();
    if (!startNow && !Number.isFinite(start)) e.startsAt = 'Pick the opening time.';
    if (!Number.isFinite(end)) e.endsAt = 'Pick the closing time.';
    else if (end <= start) e.endsAt = 'The drop must close after it opens.';
    const holdS = wholeNumber(hold);
    if (!(holdS >= 10 && holdS <= 86_400)) e.hold = 'Between 10 and 86,400 seconds.';
    const chosen = Object.entries(items).filter(([, r]) => r.include);
    if (chosen.length === 0) e.items = 'Pick at least one product variant.';
    const saleItems: NewSale['items'] = [];
    for (const [sku, r] of chosen) {
      const stock = wholeNumber(r.stock);
      const limit = wholeNumber(r.limit);
      if (!(stock >= 0)) e[`stock-${sku}`] = 'Whole units.';
      if (!(limit >= 1)) e[`limit-${sku}`] = 'At least 1.';
      const price = r.price.trim() ? toCents(r.price) : undefined;
      if (price !== undefined && !Number.isFinite(price)) e[`price-${sku}`] = 'A price like 49.99.';
      saleItems.push({
        sku,
        stock,
        perBuyerLimit: limit,
        ...(price !== undefined ? { priceCents: price } : {}),
      });
    }
    let waitingRoom: NewSale['waitingRoom'];
    if (room) {
      const a = wholeNumber(admitPerMinute);
      const m = wholeNumber(maxActive);
      const o = wholeNumber(opensBefore);
      const t = wholeNumber(ttl);
      const p = wholeNumber(pow);
      if (!(a >= 1)) e.admit = 'At least 1 a minute.';
      if (!(m >= 1)) e.maxActive = 'At least 1.';
      if (!(o >= 0)) e.opensBefore = 'Seconds, 0 or more.';
      if (!(t >= 30)) e.ttl = 'At least 30 seconds.';
      if (!(p >= 0 && p <= 28)) e.pow = 'From 0 (off) to 28.';
      waitingRoom = {
        admitPerMinute: a,
        maxActive: m,
        opensBeforeSeconds: o,
        admissionTtlSeconds: t,
        ...(p > 0 ? { proofOfWork: { difficulty: p } } : {}),
      };
    }
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    setBusy(true);
    try {
      const sale = await api.createSale({
        title: title.trim(),
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(end).toISOString(),
        hashtags: parseTags(tags).map((t) => t.replace(/^#/, '').toLowerCase()),
        holdSeconds: holdS,
        ...(waitingRoom ? { waitingRoom } : {}),
        items: saleItems,
      });
      navigate(`/host/sales/${sale.id}?created=1`);
    } catch (err) {
      setProblem(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  if (products.loading && !products.data) return <Skeleton lines={6} />;
  if (products.data && products.data.length === 0) {
    return (
      <EmptyState title="Add a product first">
        <p>A drop sells variants of your products.</p>
        <Link to="/host/products" className="btn btn--primary">
          Add products
        </Link>
      </EmptyState>
    );
  }

  return (
    <form className="form schedule" onSubmit={submit} noValidate data-testid="schedule-form">
      <section className="card pad">
        <h2 className="h3">The drop</h2>
        <div className="form-grid">
          <TextField
            label="Title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={errors.title}
            placeholder="Midnight Drop: Aurora Runner"
            data-testid="sale-title"
          />
          <TextField
            label="Hashtags"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            error={errors.tags}
            hint="#sneakers #drop"
            data-testid="sale-tags"
          />
          <TextField
            label="Opens"
            type="datetime-local"
            value={startsAt}
            disabled={startNow}
            onChange={(e) => setStartsAt(e.target.value)}
            error={errors.startsAt}
            data-testid="sale-starts"
          />
          <TextField
            label="Closes"
            type="datetime-local"
            value={endsAt}
            onChange={(e) => setEndsAt(e.target.value)}
            error={errors.endsAt}
            data-testid="sale-ends"
          />
          <label className="check">
            <input
              type="checkbox"
              checked={startNow}
              onChange={(e) => setStartNow(e.target.checked)}
              data-testid="sale-start-now"
            />
            Open it right away
          </label>
          <TextField
            label="Hold time (seconds)"
            inputMode="numeric"
            value={hold}
            onChange={(e) => setHold(e.target.value)}
            error={errors.hold}
            hint="How long a claim is held for checkout."
            data-testid="sale-hold"
          />
        </div>
      </section>

      <section className="card pad">
        <h2 className="h3">Items</h2>
        {errors.items ? (
          <p className="field__error" role="alert">
            {errors.items}
          </p>
        ) : null}
        <VariantPicker
          products={products.data ?? []}
          row={row}
          setRow={setRow}
          errors={errors}
          testIdPrefix="sched"
          priceLabel="Price"
        />
      </section>

      <section className="card pad">
        <label className="check">
          <input
            type="checkbox"
            checked={room}
            onChange={(e) => setRoom(e.target.checked)}
            data-testid="sale-waiting-room"
          />
          <span>
            <strong>Waiting room</strong>
            <span className="muted small block">Admit the crowd at a pace, fairly, and keep bots out.</span>
          </span>
        </label>
        {room ? (
          <div className="form-grid">
            <TextField
              label="Admit per minute"
              inputMode="numeric"
              value={admitPerMinute}
              onChange={(e) => setAdmit(e.target.value)}
              error={errors.admit}
            />
            <TextField
              label="Max active shoppers"
              inputMode="numeric"
              value={maxActive}
              onChange={(e) => setMaxActive(e.target.value)}
              error={errors.maxActive}
            />
            <TextField
              label="Opens before the drop (s)"
              inputMode="numeric"
              value={opensBefore}
              onChange={(e) => setOpensBefore(e.target.value)}
              error={errors.opensBefore}
            />
            <TextField
              label="Admission valid for (s)"
              inputMode="numeric"
              value={ttl}
              onChange={(e) => setTtl(e.target.value)}
              error={errors.ttl}
            />
            <TextField
              label="Proof-of-work difficulty"
              inputMode="numeric"
              value={pow}
              onChange={(e) => setPow(e.target.value)}
              error={errors.pow}
              hint="0 = off; 16–20 slows bots, not people."
            />
          </div>
        ) : null}
      </section>

      {problem ? <ProblemNotice problem={problem} testId="schedule-problem" /> : null}
      <Button type="submit" size="large" loading={busy} data-testid="schedule-submit">
        Schedule the drop
      </Button>
    </form>
  );
}
