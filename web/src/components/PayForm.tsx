import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, type CheckoutPayment } from '../lib/api.ts';
import { money } from '../lib/format.ts';
import { useLiveOrder } from '../lib/holds.tsx';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import type { Order, Shipping, User } from '../lib/types.ts';
import { LockIcon } from './Icons.tsx';
import { Button, Modal, ProblemNotice, SelectField, TextField } from './ui.tsx';

/*
 * The shipping address and payment method of a purchase: used by the checkout (holds) and by
 * the order page (paying an order that waits for its payment: an auction won, a runner-up
 * offer; the address of a giveaway prize).
 */

/** Sandbox test cards (docs/payments.md): the number typed picks the provider's test token. */
export const TEST_CARDS: Record<string, { token: string; label: string }> = {
  '4242424242424242': { token: 'tok_visa', label: 'Visa · approves' },
  '5555555555554444': { token: 'tok_mastercard', label: 'Mastercard · approves' },
  '4000000000000002': { token: 'tok_decline', label: 'Declined' },
  '4000000000009995': { token: 'tok_insufficient_funds', label: 'Insufficient funds' },
  '4000000000003220': { token: 'tok_3ds', label: 'Asks your bank to verify (3-D Secure)' },
};

// biome-ignore format: a compact list of ISO 3166-1 alpha-2 codes
const COUNTRIES = [
  'US', 'CA', 'GB', 'IE', 'FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'PT', 'AT', 'CH', 'SE', 'NO', 'DK', 'FI', 'PL',
  'CZ', 'AU', 'NZ', 'JP', 'KR', 'SG', 'HK', 'IN', 'AE', 'BR', 'MX', 'ZA',
];

export type Method = 'card' | 'wallet' | 'bnpl';
export type Fields = Required<Pick<Shipping, 'name' | 'line1' | 'city' | 'postalCode' | 'country'>> & {
  line2: string;
  region: string;
  email: string;
  phone: string;
};
type Errors = Partial<Record<keyof Fields | 'card', string>>;

const SHIPPING_KEY = 'flashmob.shipping';
const emptyFields: Fields = {
  name: '',
  email: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: 'US',
  phone: '',
};

function loadFields(email: string | null | undefined): Fields {
  try {
    const saved = JSON.parse(localStorage.getItem(SHIPPING_KEY) ?? 'null') as Partial<Fields> | null;
    return { ...emptyFields, ...(saved ?? {}), ...(email && !saved?.email ? { email } : {}) };
  } catch {
    return { ...emptyFields, email: email ?? '' };
  }
}

const digits = (s: string) => s.replace(/\D/g, '');
const groupCard = (s: string) =>
  digits(s)
    .slice(0, 16)
    .replace(/(\d{4})(?=\d)/g, '$1 ');

function installmentsPreview(total: number): number[] {
  const base = Math.floor(total / 4);
  return [total - base * 3, base, base, base];
}

export interface PayFormState {
  readonly user: User | null | undefined;
  readonly fields: Fields;
  readonly errors: Errors;
  readonly method: Method;
  readonly card: string;
  readonly walletToken: string;
  readonly bnplToken: string;
  readonly saveCard: boolean;
  set(k: keyof Fields): (e: { target: { value: string } }) => void;
  setMethod(m: Method): void;
  setCard(v: string): void;
  setWalletToken(v: string): void;
  setBnplToken(v: string): void;
  setSaveCard(v: boolean): void;
  /** Checks the address (and the card when paying by card); focuses the first field in error. */
  validate(withCard: boolean): boolean;
  shipping(): Shipping;
  payment(): CheckoutPayment;
  /** Keeps the address for next time (not a guest's email). */
  remember(): void;
  /** Puts a `validation_failed` answer's errors beside their fields. */
  serverErrors(e: unknown): void;
}

/** The form's state: the address (remembered on this device), the method, the card. */
export function usePayForm(
  user: User | null | undefined,
  formRef: RefObject<HTMLElement | null>,
): PayFormState {
  const [fields, setFields] = useState<Fields>(() => loadFields(user?.email));
  const [errors, setErrors] = useState<Errors>({});
  const [method, setMethod] = useState<Method>('card');
  const [card, setCardRaw] = useState('');
  const [walletToken, setWalletToken] = useState('wallet_ok');
  const [bnplToken, setBnplToken] = useState('bnpl_approve');
  const [saveCard, setSaveCard] = useState(false);

  useEffect(() => {
    if (user?.email) setFields((f) => (f.email ? f : { ...f, email: user.email ?? '' }));
  }, [user?.email]);

  const set = (k: keyof Fields) => (e: { target: { value: string } }) => {
    const v = e.target.value;
    setFields((f) => ({ ...f, [k]: v }));
    if (errors[k]) setErrors((er) => ({ ...er, [k]: undefined }));
  };

  const validate = (withCard: boolean) => {
    const e: Errors = {};
    const req = (k: keyof Fields, msg: string) => {
      if (!fields[k].trim()) e[k] = msg;
    };
    req('name', 'Enter the name for delivery.');
    req('line1', 'Enter the street address.');
    req('city', 'Enter the city.');
    req('postalCode', 'Enter the postal code.');
    if (!/^[A-Z]{2}$/.test(fields.country)) e.country = 'Choose a country.';
    if (user?.guest && !fields.email.trim()) e.email = 'Guests need an email for the receipt.';
    if (fields.email.trim() && !/^\S+@\S+\.\S+$/.test(fields.email.trim())) e.email = 'Enter a valid email.';
    if (fields.phone.trim() && !/^\+?[0-9 ()-]{5,20}$/.test(fields.phone.trim()))
      e.phone = 'Use digits, spaces, + ( ) or -.';
    if (withCard && method === 'card') {
      const d = digits(card);
      if (d.length < 16) e.card = 'Enter the 16-digit card number.';
      else if (!TEST_CARDS[d]) e.card = 'Sandbox: use one of the test cards listed below.';
    }
    setErrors(e);
    const first = Object.keys(e)[0];
    if (first) {
      const el = formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`);
      el?.focus();
    }
    return !first;
  };

  const shipping = (): Shipping => {
    const t = (v: string) => v.trim();
    return {
      name: t(fields.name),
      line1: t(fields.line1),
      ...(t(fields.line2) ? { line2: t(fields.line2) } : {}),
      city: t(fields.city),
      ...(t(fields.region) ? { region: t(fields.region) } : {}),
      postalCode: t(fields.postalCode),
      country: fields.country,
      ...(t(fields.email) ? { email: t(fields.email) } : {}),
      ...(t(fields.phone) ? { phone: t(fields.phone) } : {}),
    };
  };

  const payment = (): CheckoutPayment =>
    method === 'card'
      ? {
          method: 'card',
          token: TEST_CARDS[digits(card)]?.token ?? 'tok_unknown',
          ...(saveCard && !user?.guest ? { save: true } : {}),
        }
      : method === 'wallet'
        ? { method: 'wallet', token: walletToken }
        : { method: 'bnpl', token: bnplToken };

  const remember = () => {
    try {
      localStorage.setItem(
        SHIPPING_KEY,
        JSON.stringify({ ...fields, email: user?.guest ? fields.email : '' }),
      );
    } catch {
      // storage full or private mode: nothing to remember
    }
  };

  const serverErrors = (e: unknown) => {
    if (!(e instanceof ApiError) || e.code !== 'validation_failed') return;
    const fieldErrors: Errors = {};
    for (const err of e.problem.errors ?? []) {
      const k = err.path.split(/[./]/).pop() as keyof Fields;
      if (k in emptyFields) fieldErrors[k] = `This ${err.message}.`;
    }
    setErrors(fieldErrors);
  };

  return {
    user,
    fields,
    errors,
    method,
    card,
    walletToken,
    bnplToken,
    saveCard,
    set,
    setMethod,
    setCard: (v: string) => {
      setCardRaw(groupCard(v));
      if (errors.card) setErrors((er) => ({ ...er, card: undefined }));
    },
    setWalletToken,
    setBnplToken,
    setSaveCard,
    validate,
    shipping,
    payment,
    remember,
    serverErrors,
  };
}

/** The delivery address. */
export function ShippingSection({ form, title = 'Shipping' }: { form: PayFormState; title?: string }) {
  const { fields, errors, set, user } = form;
  const regionNames = useMemo(() => {
    try {
      return new Intl.DisplayNames(undefined, { type: 'region' });
    } catch {
      return undefined;
    }
  }, []);
  return (
    <section className="card pad" aria-labelledby="ship-heading">
      <h2 id="ship-heading" className="h3">
        {title}
      </h2>
      <div className="form-grid">
        <TextField
          label="Full name"
          name="name"
          autoComplete="name"
          value={fields.name}
          onChange={set('name')}
          error={errors.name}
          className="span-2"
          data-testid="ship-name"
        />
        <TextField
          label={user?.guest ? 'Email (for your receipt)' : 'Email (optional)'}
          name="email"
          type="email"
          inputMode="email"
          autoComplete="email"
          value={fields.email}
          onChange={set('email')}
          error={errors.email}
          required={user?.guest}
          data-testid="ship-email"
        />
        <TextField
          label="Phone (optional)"
          name="phone"
          type="tel"
          autoComplete="tel"
          value={fields.phone}
          onChange={set('phone')}
          error={errors.phone}
          data-testid="ship-phone"
        />
        <TextField
          label="Address"
          name="line1"
          autoComplete="address-line1"
          value={fields.line1}
          onChange={set('line1')}
          error={errors.line1}
          data-testid="ship-line1"
        />
        <TextField
          label="Apartment, suite (optional)"
          name="line2"
          autoComplete="address-line2"
          value={fields.line2}
          onChange={set('line2')}
          data-testid="ship-line2"
        />
        <TextField
          label="City"
          name="city"
          autoComplete="address-level2"
          value={fields.city}
          onChange={set('city')}
          error={errors.city}
          data-testid="ship-city"
        />
        <TextField
          label="State / region (optional)"
          name="region"
          autoComplete="address-level1"
          value={fields.region}
          onChange={set('region')}
          data-testid="ship-region"
        />
        <TextField
          label="Postal code"
          name="postalCode"
          autoComplete="postal-code"
          value={fields.postalCode}
          onChange={set('postalCode')}
          error={errors.postalCode}
          data-testid="ship-postal"
        />
        <SelectField
          label="Country"
          name="country"
          autoComplete="country"
          value={fields.country}
          onChange={set('country')}
          error={errors.country}
          data-testid="ship-country"
        >
          {COUNTRIES.map((c) => (
            <option key={c} value={c}>
              {regionNames?.of(c) ?? c}
            </option>
          ))}
        </SelectField>
      </div>
    </section>
  );
}

/** Card (sandbox test cards), wallet or pay in 4. */
export function PaymentSection({
  form,
  total,
  currency,
}: {
  form: PayFormState;
  total: number;
  currency: string;
}) {
  const { method, card, errors, user } = form;
  const cardDigits = digits(card);
  const brand = cardDigits.startsWith('4') ? 'Visa' : cardDigits.startsWith('5') ? 'Mastercard' : undefined;
  return (
    <section className="card pad" aria-labelledby="pay-heading">
      <h2 id="pay-heading" className="h3">
        Payment
      </h2>
      <p className="sandbox-tag" data-testid="sandbox-label">
        Sandbox: no real payment
      </p>
      <div className="segmented" role="radiogroup" aria-label="Payment method">
        {(
          [
            ['card', 'Card'],
            ['wallet', 'Wallet'],
            ['bnpl', 'Pay in 4'],
          ] as const
        ).map(([m, label]) => (
          <label key={m} className={`segmented__opt${method === m ? ' is-checked' : ''}`}>
            <input
              type="radio"
              name="method"
              value={m}
              checked={method === m}
              onChange={() => form.setMethod(m)}
              data-testid={`method-${m}`}
            />
            {label}
          </label>
        ))}
      </div>

      {method === 'card' ? (
        <div className="stack">
          <TextField
            label={`Card number${brand ? ` · ${brand}` : ''}`}
            name="card"
            inputMode="numeric"
            autoComplete="cc-number"
            placeholder="4242 4242 4242 4242"
            value={card}
            onChange={(e) => form.setCard(e.target.value)}
            error={errors.card}
            hint={TEST_CARDS[cardDigits] ? `Test card: ${TEST_CARDS[cardDigits]?.label}` : undefined}
            data-testid="card-number"
          />
          <details className="testcards">
            <summary>Sandbox test cards</summary>
            <ul>
              {Object.entries(TEST_CARDS).map(([n, c]) => (
                <li key={n}>
                  <button type="button" className="linkish mono" onClick={() => form.setCard(n)}>
                    {groupCard(n)}
                  </button>{' '}
                  <span className="muted">{c.label}</span>
                </li>
              ))}
            </ul>
          </details>
          {user && !user.guest ? (
            <label className="check">
              <input
                type="checkbox"
                checked={form.saveCard}
                onChange={(e) => form.setSaveCard(e.target.checked)}
                data-testid="save-card"
              />
              Save this card for express checkout
            </label>
          ) : null}
        </div>
      ) : method === 'wallet' ? (
        <SelectField
          label="Sandbox wallet outcome"
          value={form.walletToken}
          onChange={(e) => form.setWalletToken(e.target.value)}
          data-testid="wallet-token"
        >
          <option value="wallet_ok">Wallet approves</option>
          <option value="wallet_decline">Wallet declines</option>
        </SelectField>
      ) : (
        <div className="stack">
          <div className="plan" data-testid="bnpl-preview">
            <p className="plan__head">4 interest-free payments, every 2 weeks</p>
            <ol className="plan__list">
              {installmentsPreview(total).map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed plan of four
                <li key={i}>
                  <span>{i === 0 ? 'Today' : `In ${i * 2} weeks`}</span>
                  <strong>{money(c, currency)}</strong>
                </li>
              ))}
            </ol>
          </div>
          <SelectField
            label="Sandbox pay-later outcome"
            value={form.bnplToken}
            onChange={(e) => form.setBnplToken(e.target.value)}
            data-testid="bnpl-token"
          >
            <option value="bnpl_approve">Approved</option>
            <option value="bnpl_decline">Not approved</option>
          </SelectField>
        </div>
      )}
    </section>
  );
}

/** The sandbox bank's 3-D Secure page, as a modal; then the order is followed until it settles. */
export function ChallengeModal({
  order,
  onPaid,
  onFailed,
  failedDetail = 'No money was taken, and your held items were released back to the drop.',
}: {
  order: Order;
  onPaid: (o: Order) => void;
  onFailed: (f: Friendly) => void;
  failedDetail?: string;
}) {
  const { order: liveOrder } = useLiveOrder(order.id, order);
  const [busy, setBusy] = useState<'approve' | 'fail'>();
  const [sent, setSent] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const url = order.payment?.nextAction?.url;
  const settled = useRef(false);

  useEffect(() => {
    if (!liveOrder || liveOrder.state === 'pending_payment' || settled.current) return;
    settled.current = true;
    if (liveOrder.state === 'payment_failed')
      onFailed({
        code: 'payment_declined',
        title: 'Your bank could not verify the payment',
        detail: failedDetail,
      });
    else onPaid(liveOrder);
  }, [liveOrder, onPaid, onFailed, failedDetail]);

  const answer = async (approve: boolean) => {
    if (!url) return;
    setBusy(approve ? 'approve' : 'fail');
    setProblem(undefined);
    try {
      await api.completeChallenge(url, approve);
      setSent(true);
    } catch (e) {
      setProblem(friendlyError(e));
      setBusy(undefined);
    }
  };

  return (
    <Modal open onClose={() => {}} dismissible={false} title="Verify with your bank" testId="challenge">
      <div className="challenge">
        <div className="challenge__bank">
          <LockIcon size={20} /> <span>Sandbox Bank · secure verification</span>
        </div>
        <p>
          Approve the payment of <strong>{money(order.totalCents, order.currency)}</strong> to Flashmob with{' '}
          {order.payment?.label ?? 'your card'}.
        </p>
        <p className="muted small">Sandbox: no real payment. Choose what the bank does.</p>
        {problem ? <ProblemNotice problem={problem} /> : null}
        {sent ? (
          <p className="challenge__wait" role="status">
            <span className="spinner" aria-hidden="true" /> Confirming with your bank…
          </p>
        ) : (
          <div className="challenge__actions">
            <Button
              size="large"
              loading={busy === 'approve'}
              disabled={!!busy}
              onClick={() => void answer(true)}
              data-testid="challenge-approve"
            >
              Approve
            </Button>
            <Button
              size="large"
              variant="danger"
              loading={busy === 'fail'}
              disabled={!!busy}
              onClick={() => void answer(false)}
              data-testid="challenge-fail"
            >
              Fail
            </Button>
          </div>
        )}
      </div>
    </Modal>
  );
}
