import { DEFAULT_FRAUD_RULES, type FraudRules, screenOrder } from '../../domain/fraud.ts';
import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { appendEvents } from '../../platform/bus/events.ts';
import type { Sql } from '../../platform/store/store.ts';
import { cancelOrder, type LockedOrder, lockOrder, orderEvent } from '../orders/index.ts';
import { applyOnce, orderIdOf } from './apply-once.ts';
import type { PipelineDeps } from './deps.ts';
import { insertFraudCheck } from './fraud-checks.ts';
import { gatherFraudSignals } from './fraud-signals.ts';

export const FRAUD_CONSUMER = 'fraud';

/** `order.accepted`: what the payments consumer needs to capture. */
export const acceptedEvent = (order: LockedOrder, facts: Record<string, unknown> = {}) =>
  orderEvent('order.accepted', order, {
    totalCents: order.total_cents,
    currency: order.currency,
    paymentRef: order.payment?.ref ?? null,
    ...facts,
  });

/**
 * Screens every paid order once: accept → `order.accepted` (capture next); review →
 * `order.review` (stays paid until an admin decides); reject → cancelled, stock returned, and the
 * authorisation voided by the payments consumer. The check, the order's move and its event
 * commit together with the processed marker.
 */
export function fraudConsumer(deps: PipelineDeps): ConsumerDefinition {
  const rules = deps.fraudRules ?? DEFAULT_FRAUD_RULES;
  return {
    name: FRAUD_CONSUMER,
    types: ['order.paid'],
    handle: (event) =>
      applyOnce(deps, FRAUD_CONSUMER, event, (tx) => screen(tx, deps, rules, orderIdOf(event))),
  };
}

async function screen(tx: Sql, deps: PipelineDeps, rules: FraudRules, orderId: string): Promise<void> {
  const order = await lockOrder(tx, orderId);
  // Cancelled before its screening (a quick buyer): nothing is left to decide.
  if (order?.state !== 'paid') return;
  const signals = await gatherFraudSignals(tx, order, rules.velocityWindowMinutes);
  const verdict = screenOrder(signals, rules);
  const now = deps.clock.now();
  if (!(await insertFraudCheck(tx, { orderId, verdict, signals, now }))) return;
  if (verdict.outcome !== 'accept') {
    deps.logger.info(
      { order: orderId, outcome: verdict.outcome, reasons: verdict.reasons },
      'fraud screening',
    );
  }
  switch (verdict.outcome) {
    case 'accept':
      await appendEvents(tx, [acceptedEvent(order)]);
      return;
    case 'review':
      await appendEvents(tx, [orderEvent('order.review', order)]);
      return;
    case 'reject':
      await cancelOrder(tx, { order, reason: 'fraud_rejected', by: 'fraud', now });
      return;
  }
}
