import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.ts';
import { money } from '../lib/format.ts';
import { useLiveOrder } from '../lib/holds.tsx';
import { type Friendly, friendlyError } from '../lib/problems.ts';
import type { Order } from '../lib/types.ts';
import { LockIcon } from './Icons.tsx';
import { Button, Modal, ProblemNotice } from './ui.tsx';
import '../pages/checkout.css';

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
