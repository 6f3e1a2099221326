import { type ReactNode, useState } from 'react';
import { type Friendly, friendlyError } from '../../../lib/problems.ts';
import type { Product } from '../../../lib/types.ts';
import './controls.css';

/** A control panel of the room: a card with a heading and its own refusal line. */
export function Panel({
  title,
  children,
  testId,
  aside,
  className = '',
}: {
  title: string;
  children: ReactNode;
  testId: string;
  aside?: ReactNode;
  className?: string;
}) {
  const id = `${testId}-title`;
  return (
    <section className={`card pad control ${className}`} aria-labelledby={id} data-testid={testId}>
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
  return { busy, problem, run, setProblem };
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
