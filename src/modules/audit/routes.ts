import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app-type.ts';
import { Id, IsoDate, withProblems } from '../../platform/http/schemas.ts';
import type { Sql } from '../../platform/store/store.ts';
import { AUDIT_ACTIONS, DEFAULT_AUDIT_LIMIT, listAudit, MAX_AUDIT_LIMIT } from './log.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer({ description: 'grows with every entry' }),
    at: Type.String({ format: 'date-time' }),
    actorId: Nullable(Type.String({ description: 'null: the system (CLI, ADMIN_EMAIL at start)' })),
    actorRole: Type.String({ description: 'the role the actor acted with, or system' }),
    action: Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a))),
    targetType: Type.String(),
    targetId: Type.String(),
    details: Type.Object({}, { additionalProperties: true }),
    ip: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

/** GET /api/admin/audit: the audit log, for admins. */
export function auditRoutes(app: App, sql: Sql): void {
  app.get(
    '/api/admin/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'The audit log of privileged actions, newest first (admin)',
        querystring: Type.Object(
          {
            actor: Type.Optional(Id('user')),
            action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)))),
            target: Type.Optional(
              Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'the target id' }),
            ),
            since: Type.Optional(IsoDate),
            until: Type.Optional(IsoDate),
            limit: Type.Optional(
              Type.Integer({ minimum: 1, maximum: MAX_AUDIT_LIMIT, default: DEFAULT_AUDIT_LIMIT }),
            ),
          },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Array(AuditEntrySchema) }),
      },
    },
    async (req) => listAudit(sql, req.query),
  );
}
