import { type ChangeEvent, type FormEvent, type InputHTMLAttributes, type ReactNode, useState } from 'react';
import { Button, EmptyState, ProblemNotice, TextField } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { useLoad } from '../../lib/hooks.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import { Link } from '../../lib/router.tsx';
import type { User } from '../../lib/types.ts';
import { HASHTAG, type PickRow, wholeNumber } from './VariantPicker.tsx';
import './HostConsole.css';

/*
 * The pieces the host console's forms share (products, drops, shows, parties, the control
 * room's panels): the submit cycle, text state, and the fields every one of them has.
 */

/** A message per field, keyed by the field's name (`title`, `stock-SKU`, …). */
export type FieldErrors = Record<string, string>;

export const parseTags = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);

/** The hashtags as the API takes them: no `#`, lower case. */
export const hashtagsOf = (tags: string) => parseTags(tags).map((t) => t.replace(/^#/, '').toLowerCase());

/** Puts "not a hashtag" on `e.tags` for the first tag that is not one. */
export function checkTags(tags: string, e: FieldErrors, why = ''): void {
  const bad = parseTags(tags).find((t) => !HASHTAG.test(t));
  if (bad) e.tags = `"${bad}" is not a hashtag${why}.`;
}

/**
 * A host form's submit cycle: `check` fills the errors of its fields and returns the request;
 * nothing is sent while a field is wrong, and a refusal is said under the form.
 */
export function useHostForm() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Friendly>();
  const [busy, setBusy] = useState(false);
  const submit = async (ev: FormEvent, check: (e: FieldErrors) => () => Promise<unknown>) => {
    ev.preventDefault();
    setProblem(undefined);
    const e: FieldErrors = {};
    const send = check(e);
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    setBusy(true);
    try {
      await send();
    } catch (err) {
      setProblem(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };
  return { errors, problem, busy, submit };
}

type TextChange = ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>;

/** A form's text fields as one record; `bind(name)` gives a field its value and onChange. */
export function useTextFields<K extends string>(initial: Record<K, string> | (() => Record<K, string>)) {
  const [values, setValues] = useState(initial);
  const set = (k: K, v: string) => setValues((x) => ({ ...x, [k]: v }));
  const bind = (k: K) => ({ value: values[k], onChange: (e: TextChange) => set(k, e.target.value) });
  return { values, set, bind };
}

/** One field of a list of short (number) fields. */
export interface ShortField<K extends string> {
  readonly name: K;
  readonly label: string;
  /** `numeric` when not said; `text` is a plain text field. */
  readonly inputMode?: 'numeric' | 'decimal' | 'text';
  readonly maxLength?: number;
  readonly hint?: string;
  readonly placeholder?: string;
  readonly testId?: string;
}

/** How long a claim is held (`hold`), in a drop's or a party's form. */
export const holdField = (testId: string): ShortField<'hold'> => ({
  name: 'hold',
  label: 'Hold time (seconds)',
  hint: 'How long a claim is held for checkout.',
  testId,
});

/** Short fields in a row of the form's grid, each with its error (keyed by its name). */
export function ShortFields<K extends string>({
  fields,
  bind,
  errors,
  disabled,
}: {
  fields: readonly ShortField<K>[];
  bind: (k: K) => { value: string; onChange: (e: TextChange) => void };
  errors?: FieldErrors;
  disabled?: (k: K) => boolean;
}) {
  return fields.map((f) => (
    <TextField
      key={f.name}
      label={f.label}
      inputMode={f.inputMode === 'text' ? undefined : (f.inputMode ?? 'numeric')}
      {...bind(f.name)}
      error={errors?.[f.name]}
      maxLength={f.maxLength}
      placeholder={f.placeholder}
      disabled={disabled?.(f.name)}
      hint={f.hint}
      data-testid={f.testId}
    />
  ));
}

/** The title and hashtags every listing has (test ids `PREFIX-title`, `PREFIX-tags`). */
export function TitleAndTags({
  prefix,
  bind,
  errors,
  placeholder,
  tagsHint,
}: {
  prefix: string;
  bind: (k: 'title' | 'tags') => { value: string; onChange: (e: TextChange) => void };
  errors: FieldErrors;
  placeholder?: string;
  tagsHint: string;
}) {
  return (
    <>
      <TextField
        label="Title"
        {...bind('title')}
        error={errors.title}
        placeholder={placeholder}
        data-testid={`${prefix}-title`}
      />
      <TextField
        label="Hashtags"
        {...bind('tags')}
        error={errors.tags}
        hint={tagsHint}
        data-testid={`${prefix}-tags`}
      />
    </>
  );
}

/** A description (a textarea); `id` is its test id too. */
export function DescriptionField({
  id,
  label = 'Description (optional)',
  className = 'field span-2',
  rows,
  maxLength,
  value,
  onChange,
}: {
  id: string;
  label?: string;
  className?: string;
  rows: number;
  maxLength?: number;
  value: string;
  onChange: (e: TextChange) => void;
}) {
  return (
    <div className={className}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <textarea
        id={id}
        className="input"
        rows={rows}
        maxLength={maxLength}
        value={value}
        onChange={onChange}
        data-testid={id}
      />
    </div>
  );
}

/** A checkbox with its label. */
export function CheckField({
  checked,
  onChange,
  testId,
  className = 'check',
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label className={className}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      {children}
    </label>
  );
}

/** A form-wide error (no field of its own), e.g. "pick at least one item". */
export function FormError({ error }: { error: string | undefined }) {
  return error ? (
    <p className="field__error" role="alert">
      {error}
    </p>
  ) : null;
}

/** The end of a schedule form: its refusal, then the big submit button. */
export function SubmitRow({
  problem,
  problemTestId,
  busy,
  testId,
  children,
}: {
  problem: Friendly | undefined;
  problemTestId: string;
  busy: boolean;
  testId: string;
  children: ReactNode;
}) {
  return (
    <>
      {problem ? <ProblemNotice problem={problem} testId={problemTestId} /> : null}
      <Button type="submit" size="large" loading={busy} data-testid={testId}>
        {children}
      </Button>
    </>
  );
}

/** What a form that sells the host's variants shows when there are none yet. */
export function AddProductFirst({ children }: { children: ReactNode }) {
  return (
    <EmptyState title="Add a product first">
      <p>{children}</p>
      <Link to="/host/products" className="btn btn--primary">
        Add products
      </Link>
    </EmptyState>
  );
}

/** Picked variants as items (stock, limit, optional price); their errors keyed `stock-SKU`, …. */
export function pickedItems(
  rows: Record<string, PickRow>,
  e: FieldErrors,
): Array<{ sku: string; stock: number; perBuyerLimit: number; priceCents?: number }> {
  const chosen = Object.entries(rows).filter(([, r]) => r.include);
  if (chosen.length === 0) e.items = 'Pick at least one product variant.';
  return chosen.map(([sku, r]) => {
    const stock = wholeNumber(r.stock);
    const limit = wholeNumber(r.limit);
    if (!(stock >= 0)) e[`stock-${sku}`] = 'Whole units.';
    if (!(limit >= 1)) e[`limit-${sku}`] = 'At least 1.';
    const price = r.price.trim() ? toCents(r.price) : undefined;
    if (price !== undefined && !Number.isFinite(price)) e[`price-${sku}`] = 'A price like 49.99.';
    return { sku, stock, perBuyerLimit: limit, ...(price !== undefined ? { priceCents: price } : {}) };
  });
}

/** "189", "189.5", "189.50" → 18950; NaN when it is not a price. */
export function toCents(s: string): number {
  const t = s.trim().replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

/** 18950 → "189.50", 18900 → "189": a price as a host types it. */
export const fromCents = (c: number) => (c % 100 === 0 ? String(c / 100) : (c / 100).toFixed(2));

/** What tells a schedule form apart: test ids, the first card's heading, the title's example. */
export interface Listing {
  /** The form's test id; its title and tags are `PREFIX-title`, `PREFIX-tags`. */
  readonly ids: readonly [form: string, prefix: string];
  readonly heading: string;
  readonly examples: readonly [title: string, tags: string];
  /** The submit button's test id and words, and the test id of a refusal. */
  readonly submit: readonly [testId: string, label: string, problemTestId: string];
}

/** The schedule forms of the console. */
export const LISTINGS = {
  sale: {
    ids: ['schedule-form', 'sale'],
    heading: 'The drop',
    examples: ['Midnight Drop: Aurora Runner', '#sneakers #drop'],
    submit: ['schedule-submit', 'Schedule the drop', 'schedule-problem'],
  },
  show: {
    ids: ['show-form', 'show'],
    heading: 'The show',
    examples: ['Friday night drops, live', '#sneakers #live'],
    submit: ['show-submit', 'Schedule the show', 'show-form-problem'],
  },
  party: {
    ids: ['party-form', 'party'],
    heading: 'The party',
    examples: ['Vinyl Friday', '#vinyl #party'],
    submit: ['party-submit', 'Start the party', 'party-form-problem'],
  },
} as const satisfies Record<string, Listing>;

/** The host's catalog (every form that sells variants starts from it). */
export const useHostProducts = (user: User) =>
  useLoad(() => api.products({ host: user.id, limit: 200 }), [user.id]);

/** A schedule form (a drop, a show, a party): a first card with the title, hashtags and `more`. */
export function ScheduleForm({
  listing,
  form,
  text,
  check,
  more,
  children,
}: {
  listing: Listing;
  form: ReturnType<typeof useHostForm>;
  text: { bind: (k: 'title' | 'tags') => { value: string; onChange: (e: TextChange) => void } };
  check: (e: FieldErrors) => () => Promise<unknown>;
  more: ReactNode;
  children: ReactNode;
}) {
  const [id, prefix] = listing.ids;
  const [placeholder, tagsHint] = listing.examples;
  const [submitId, label, problemTestId] = listing.submit;
  return (
    <form
      className="form schedule"
      onSubmit={(ev) => void form.submit(ev, check)}
      noValidate
      data-testid={id}
    >
      <FormCard heading={listing.heading}>
        <div className="form-grid">
          <TitleAndTags
            prefix={prefix}
            bind={text.bind}
            errors={form.errors}
            placeholder={placeholder}
            tagsHint={tagsHint}
          />
          {more}
        </div>
      </FormCard>
      {children}
      <SubmitRow problem={form.problem} problemTestId={problemTestId} busy={form.busy} testId={submitId}>
        {label}
      </SubmitRow>
    </form>
  );
}

/** When a drop opens or a show starts (a local date and time). */
export function StartsField({
  testId,
  ...rest
}: InputHTMLAttributes<HTMLInputElement> & { label: string; error: string | undefined; testId: string }) {
  return <TextField type="datetime-local" {...rest} data-testid={testId} />;
}

/** A card of a form, with its heading. */
export function FormCard({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <section className="card pad">
      <h2 className="h3">{heading}</h2>
      {children}
    </section>
  );
}
