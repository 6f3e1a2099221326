import type { FraudOutcome, FraudReason, FraudSignals, FraudVerdict } from '../../domain/fraud.ts';
import type { Sql } from '../../platform/store/store.ts';

/** A screening as an admin sees it. */
export interface FraudCheck {
  readonly orderId: string;
  readonly outcome: FraudOutcome;
  readonly reasons: FraudReason[];
  readonly signals: FraudSignals;
  readonly checkedAt: string;
  readonly decision: 'accept' | 'reject' | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

interface FraudCheckRow {
  order_id: string;
  outcome: FraudOutcome;
  reasons: FraudReason[];
  signals: FraudSignals;
  checked_at: Date;
  decision: 'accept' | 'reject' | null;
  decided_by: string | null;
  decided_at: Date | null;
}

const toFraudCheck = (r: FraudCheckRow): FraudCheck => ({
  orderId: r.order_id,
  outcome: r.outcome,
  reasons: r.reasons,
  signals: r.signals,
  checkedAt: r.checked_at.toISOString(),
  decision: r.decision,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at?.toISOString() ?? null,
});

/** Records a screening; false when the order was screened already (one check per order). */
export async function insertFraudCheck(
  tx: Sql,
  c: { orderId: string; verdict: FraudVerdict; signals: FraudSignals; now: number },
): Promise<boolean> {
  const rows = await tx.query(
    `insert into fraud_checks (order_id, outcome, reasons, signals, checked_at)
     values ($1, $2, $3::text[], $4::jsonb, $5) on conflict (order_id) do nothing returning order_id`,
    [c.orderId, c.verdict.outcome, c.verdict.reasons, JSON.stringify(c.signals), new Date(c.now)],
  );
  return rows.length > 0;
}

export async function getFraudCheck(
  sql: Sql,
  orderId: string,
  opts: { lock?: boolean } = {},
): Promise<FraudCheck | undefined> {
  const [row] = await sql.query<FraudCheckRow>(
    `select * from fraud_checks where order_id = $1${opts.lock ? ' for update' : ''}`,
    [orderId],
  );
  return row ? toFraudCheck(row) : undefined;
}

export async function recordReviewDecision(
  tx: Sql,
  d: { orderId: string; decision: 'accept' | 'reject'; adminId: string; now: number },
): Promise<void> {
  await tx.query(
    'update fraud_checks set decision = $2, decided_by = $3, decided_at = $4 where order_id = $1',
    [d.orderId, d.decision, d.adminId, new Date(d.now)],
  );
}
