import type { Sql } from '../../platform/store/store.ts';

/** Who acted. A null id is the system itself (the CLI, ADMIN_EMAIL at start). */
export interface AuditActor {
  readonly id: string | null;
  /** The role they acted with: `buyer`, `host`, `admin`, or `system`. */
  readonly role: string;
  readonly ip?: string | undefined;
}

/** The privileged actions that are recorded; an action not listed here does not compile. */
export const AUDIT_ACTIONS = [
  'user.role_changed',
  'user.suspended',
  'user.unsuspended',
  'user.password_changed',
  'user.created',
  'chat.muted',
  'chat.unmuted',
  'chat.banned',
  'chat.unbanned',
  'order.cancelled',
  'order.refunded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** When, in ms on the application's clock (tests drive it). */
  readonly at: number;
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly target: { readonly type: string; readonly id: string };
  readonly details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR: AuditActor = { id: null, role: 'system' };

/**
 * Appends one entry. Pass the transaction of the action itself: the entry commits with it or
 * not at all (the table refuses updates and deletes; migration 009).
 */
export async function record(tx: Sql, entry: AuditEntry): Promise<void> {
  await tx.query(
    `insert into audit_log (at, actor_id, actor_role, action, target_type, target_id, details, ip)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [
      new Date(entry.at),
      entry.actor.id,
      entry.actor.role,
      entry.action,
      entry.target.type,
      entry.target.id,
      JSON.stringify(entry.details ?? {}),
      entry.actor.ip ?? null,
    ],
  );
}

export interface AuditFilter {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly target?: string | undefined;
  /** Inclusive lower bound (ISO time). */
  readonly since?: string | undefined;
  /** Exclusive upper bound (ISO time). */
  readonly until?: string | undefined;
  readonly limit?: number | undefined;
}

export interface AuditRecord {
  readonly id: number;
  readonly at: string;
  readonly actorId: string | null;
  readonly actorRole: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly details: Record<string, unknown>;
  readonly ip: string | null;
}

interface Row {
  id: number | string;
  at: Date;
  actor_id: string | null;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: string;
  details: Record<string, unknown>;
  ip: string | null;
}

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 500;

/** The entries that match, newest first. */
export async function listAudit(sql: Sql, f: AuditFilter): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (f.actor) add('actor_id = ?', f.actor);
  if (f.action) add('action = ?', f.action);
  if (f.target) add('target_id = ?', f.target);
  if (f.since) add('at >= ?', new Date(f.since));
  if (f.until) add('at < ?', new Date(f.until));
  params.push(Math.min(f.limit ?? DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT));
  const rows = await sql.query<Row>(
    `select * from audit_log ${where.length ? `where ${where.join(' and ')}` : ''}
     order by id desc limit $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: r.details,
    ip: r.ip,
  }));
}
