import { type RefObject, useEffect, useState } from 'react';
import { ApiError, type CheckoutPayment } from '../lib/api.ts';
import type { Shipping, User } from '../lib/types.ts';

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

export const digits = (s: string) => s.replace(/\D/g, '');
export const groupCard = (s: string) =>
  digits(s)
    .slice(0, 16)
    .replace(/(\d{4})(?=\d)/g, '$1 ');

export function installmentsPreview(total: number): number[] {
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
