/**
 * The audit log: every privileged action, append-only, written in the transaction of the action
 * itself (`record(tx, entry)`), read by admins at GET /api/admin/audit.
 */
export {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditActor,
  type AuditEntry,
  type AuditFilter,
  type AuditRecord,
  listAudit,
  record,
  SYSTEM_ACTOR,
} from './log.ts';
export { auditPlugin } from './plugin.ts';
export { AuditEntrySchema, auditRoutes } from './routes.ts';
