import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, withProblems } from '../../platform/http/schemas.ts';
import type { Store } from '../../platform/store/store.ts';
import type { SandboxPaymentProvider } from './sandbox-provider.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

export function paymentRoutes(
  app: App,
  d: { store: Store; webhooks: WebhookReceiver; sandbox?: SandboxPaymentProvider },
): void {
  app.get(
    '/api/payment-methods',
    {
      config: { access: 'user' },
      schema: {
        tags: ['payments'],
        summary: "The buyer's saved payment methods (express checkout)",
        response: withProblems({
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              method: Type.String(),
              label: Type.String(),
              createdAt: Type.String(),
            }),
          ),
        }),
      },
    },
    async (req) => {
      const rows = await d.store.query<{ id: string; method: string; label: string; created_at: Date }>(
        'select id, method, label, created_at from payment_methods where user_id = $1 order by created_at desc',
        [principalOf(req).id],
      );
      return rows.map((r) => ({
        id: r.id,
        method: r.method,
        label: r.label,
        createdAt: r.created_at.toISOString(),
      }));
    },
  );

  // The provider calls back here. The signature is checked over the exact bytes received, so
  // this route takes its body as text; a receipt table makes a redelivered webhook a no-op.
  const webhookScope: FastifyPluginAsync = async (scope) => {
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/payments/webhook',
      {
        config: { access: 'public', rateLimit: { points: 1_000, windowSeconds: 10, by: 'ip' } },
        schema: {
          tags: ['payments'],
          summary: 'Payment provider webhooks (HMAC-signed)',
          response: withProblems({
            200: Type.Object({
              received: Type.Boolean(),
              duplicate: Type.Boolean({ description: 'this event was applied before' }),
            }),
          }),
        },
      },
      async (req, reply) => {
        const { duplicate } = await d.webhooks.receive(String(req.body), req.headers);
        return reply.code(200).send({ received: true, duplicate });
      },
    );
  };
  void app.register(webhookScope);

  const sandbox = d.sandbox;
  if (sandbox) {
    app.post(
      '/api/payments/sandbox/challenges/:ref',
      {
        config: { access: 'public', rateLimit: { points: 20, windowSeconds: 60, by: 'ip' } },
        schema: {
          tags: ['payments'],
          summary: "SANDBOX ONLY: the simulated bank's 3-D Secure page; pass or fail the challenge",
          params: Type.Object(
            { ref: Type.String({ pattern: '^sbx_[0-9a-z]{16}$', maxLength: 20 }) },
            { additionalProperties: false },
          ),
          body: Body({ approve: Type.Boolean() }),
          response: withProblems({ 200: Type.Object({ status: Type.String() }) }),
        },
      },
      async (req) => sandbox.completeChallenge(req.params.ref, req.body.approve),
    );
  }
}
