import { type FormEvent, useRef, useState } from 'react';
import { ChallengeModal } from '../../components/ChallengeModal.tsx';
import { LockIcon } from '../../components/Icons.tsx';
import { usePayForm } from '../../components/PayForm.tsx';
import { PaymentSection } from '../../components/PaymentSection.tsx';
import { ShippingSection } from '../../components/ShippingSection.tsx';
import { Button, Notice, ProblemNotice } from '../../components/ui.tsx';
import { ApiError, api } from '../../lib/api.ts';
import { useUser } from '../../lib/auth.ts';
import { money } from '../../lib/format.ts';
import { type Friendly, friendlyError } from '../../lib/problems.ts';
import type { Order } from '../../lib/types.ts';
import '../checkout.css';

/**
 * Pays an order created waiting for its payment (an auction won, a runner-up offer): the
 * checkout's address and payment pieces, then `POST /api/orders/:id/pay`.
 */
export function PayOrderForm({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const user = useUser();
  const formRef = useRef<HTMLFormElement>(null);
  const form = usePayForm(user, formRef);
  const [paying, setPaying] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const [challenge, setChallenge] = useState<Order>();
  const afterDecline = 'No money was taken. The item is offered to the runner-up.';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    if (!form.validate(true)) return;
    setPaying(true);
    form.remember();
    try {
      const paid = await api.payOrder(order.id, { payment: form.payment(), shipping: form.shipping() });
      if (paid.state === 'pending_payment' && paid.payment?.nextAction) setChallenge(paid);
      else onChange(paid);
    } catch (err) {
      const f = friendlyError(err);
      setProblem(f.code === 'payment_declined' ? { ...f, detail: afterDecline } : f);
      form.serverErrors(err);
      // Declined, or paid meanwhile in another tab: show the order as it is now.
      if (
        err instanceof ApiError &&
        (err.code === 'payment_declined' || err.code === 'reservation_unavailable')
      )
        void api.order(order.id).then(onChange, () => {});
    } finally {
      setPaying(false);
    }
  };

  return (
    <form
      ref={formRef}
      className="checkout__form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Pay for this order"
      data-testid="pay-order-form"
    >
      <Notice
        tone="info"
        title={order.source === 'auction' ? 'You won: pay to keep it' : 'Pay for this order'}
      >
        {order.source === 'auction'
          ? 'Pay within 15 minutes of the end of the auction, or the item is offered to the runner-up.'
          : 'This order waits for its payment.'}
      </Notice>
      <ShippingSection form={form} />
      <PaymentSection form={form} total={order.totalCents} currency={order.currency} />
      <div aria-live="polite">
        {problem ? <ProblemNotice problem={problem} testId="pay-order-problem" /> : null}
      </div>
      <Button type="submit" size="large" block loading={paying} data-testid="pay-order-button">
        <LockIcon size={18} /> Pay {money(order.totalCents, order.currency)}
      </Button>
      {challenge ? (
        <ChallengeModal
          order={challenge}
          onPaid={onChange}
          failedDetail={afterDecline}
          onFailed={(f) => {
            setChallenge(undefined);
            setProblem(f);
            void api.order(order.id).then(onChange, () => {});
          }}
        />
      ) : null}
    </form>
  );
}

/** A prize (already paid, price 0) needs to know where to go: `PUT /api/orders/:id/shipping`. */
export function PrizeAddressForm({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const user = useUser();
  const formRef = useRef<HTMLFormElement>(null);
  const form = usePayForm(user, formRef);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<Friendly>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    if (!form.validate(false)) return;
    setSaving(true);
    form.remember();
    try {
      onChange(await api.setShipping(order.id, form.shipping()));
    } catch (err) {
      setProblem(friendlyError(err));
      form.serverErrors(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form
      ref={formRef}
      className="checkout__form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Where to send your prize"
      data-testid="prize-address-form"
    >
      <ShippingSection form={form} title="Where should we send it?" />
      {problem ? <ProblemNotice problem={problem} /> : null}
      <Button type="submit" size="large" block loading={saving} data-testid="prize-address-save">
        Send it here
      </Button>
    </form>
  );
}
