import { type ReactNode, useState } from 'react';
import { Button, SelectField } from '../../../components/ui.tsx';
import { type Friendly, friendlyError } from '../../../lib/problems.ts';
import type { Product, Show } from '../../../lib/types.ts';
import type { Room } from '../../show/room.tsx';
import './controls.css';

/** A control panel of the room: a card with a heading and its own refusal line. */
export function Panel({
  title,
  children,
  testId,
  aside,
}: {
  title: string;
  children: ReactNode;
  /** `control-NAME`; the panel's class is `control--NAME`. */
  testId: `control-${string}`;
  aside?: ReactNode;
}) {
  const id = `${testId}-title`;
  return (
    <section
      className={`card pad control control--${testId.slice('control-'.length)}`}
      aria-labelledby={id}
      data-testid={testId}
    >
      <div className="control__head">
        <h3 id={id} className="control__title">
          {title}
        </h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** A panel's state beside its title ("Open", "Running"). */
export const stateBadge = (tone: 'success' | 'warning' | 'hot', text: string) => (
  <span className={`badge badge--${tone}`}>{text}</span>
);

/** Runs one action of a panel: busy while it runs, its refusal said in the panel. */
export function useAction() {
  const [busy, setBusy] = useState<string>();
  const [problem, setProblem] = useState<Friendly>();
  const run = async (key: string, f: () => Promise<unknown>): Promise<boolean> => {
    setBusy(key);
    setProblem(undefined);
    try {
      await f();
      return true;
    } catch (e) {
      setProblem(friendlyError(e));
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  /** A form of the panel that does not add up: said where a refusal would be. */
  const refuse = (title: string, detail: string, code = 'validation_failed') =>
    setProblem({ code, title, detail });
  return { busy, problem, run, setProblem, refuse };
}

export interface Variant {
  readonly sku: string;
  readonly title: string;
  readonly product: string;
  readonly imageUrl: string | null;
  readonly priceCents: number;
  readonly currency: string;
}

export const variantsOf = (products: readonly Product[] | undefined): Variant[] =>
  (products ?? []).flatMap((p) =>
    p.variants.map((v) => ({
      sku: v.sku,
      title: v.title,
      product: p.title,
      imageUrl: p.imageUrl,
      priceCents: v.priceCents,
      currency: v.currency,
    })),
  );

/** A panel that sells one of the host's variants (an auction, a giveaway). */
export interface SellingProps {
  readonly show: Show;
  readonly products: Product[] | undefined;
  readonly room: Room;
}

/** The variant a panel's form is for: the one picked, else `preferred`, else the first. */
export function useSkuChoice(products: readonly Product[] | undefined, preferred?: string) {
  const variants = variantsOf(products);
  const [sku, setSku] = useState('');
  return { variants, chosen: sku || preferred || variants[0]?.sku || '', setSku };
}

/** A select of the host's variants (`product · variant`, with the SKU when `withSku`). */
export function SkuSelect({
  label,
  choice,
  testId,
  withSku = false,
}: {
  label: string;
  choice: ReturnType<typeof useSkuChoice>;
  testId: string;
  withSku?: boolean;
}) {
  return (
    <SelectField
      label={label}
      value={choice.chosen}
      onChange={(e) => choice.setSku(e.target.value)}
      data-testid={testId}
    >
      {choice.variants.map((v) => (
        <option key={v.sku} value={v.sku}>
          {v.product} · {v.title}
          {withSku ? ` (${v.sku})` : null}
        </option>
      ))}
    </SelectField>
  );
}

/** The submit button of a panel's form ("Start the poll", …). */
export function StartButton({
  busy,
  disabled,
  testId,
  children,
}: {
  busy: boolean;
  disabled: boolean;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Button type="submit" loading={busy} disabled={disabled} data-testid={testId}>
      {children}
    </Button>
  );
}
