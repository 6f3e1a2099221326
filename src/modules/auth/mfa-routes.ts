import { Type } from '@sinclair/typebox';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, withProblems } from '../../platform/http/schemas.ts';
import type { MfaService } from './mfa-service.ts';
import { STEP_UP_HEADER, type StepUpProofs } from './step-up-proofs.ts';

/**
 * Every route that checks a code is limited per account: 5 tries a minute, 20 an hour. A 6-digit
 * TOTP accepted over 3 steps then leaves a guesser about 1 in 16,000 per hour, and recovery
 * codes (50 bits) nothing worth trying.
 */
export const CODE_LIMIT = [
  { points: 5, windowSeconds: 60, by: 'user' },
  { points: 20, windowSeconds: 3600, by: 'user' },
] as const;
/** A TOTP (6 digits) or a recovery code (`xxxxx-xxxxx`, any case, the dash optional). */
const Code = Body({
  code: Type.String({ maxLength: 11, pattern: '^[0-9]{6}$|^[0-9A-Za-z]{5}[ -]?[0-9A-Za-z]{5}$' }),
});

const Status = Type.Object({
  totp: Type.Union([Type.Literal('off'), Type.Literal('pending'), Type.Literal('active')]),
  recoveryCodesLeft: Type.Integer(),
  passkeys: Type.Integer(),
});

export function mfaRoutes(app: App, d: { mfa: MfaService; stepUpProofs: StepUpProofs }): void {
  app.get(
    '/api/me/mfa',
    {
      config: { access: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'Which second factors the signed-in user has',
        response: withProblems({ 200: Status }),
      },
    },
    async (req) => d.mfa.status(principalOf(req).id),
  );

  app.post(
    '/api/me/mfa/totp',
    {
      config: {
        access: 'user',
        stepUp: 'add_factor',
        rateLimit: { points: 10, windowSeconds: 3600, by: 'user' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Start TOTP enrolment: a new secret and its otpauth:// URI (pending until confirmed)',
        description:
          'Guests are refused (403 forbidden); 409 mfa_already_active when TOTP is on. ' +
          'With a second factor already (a passkey), 403 step_up_required without a Flashmob-Step-Up proof.',
        response: withProblems({ 201: Type.Object({ secret: Type.String(), uri: Type.String() }) }),
      },
    },
    async (req, reply) => reply.code(201).send(await d.mfa.startTotp(principalOf(req).id)),
  );

  app.post(
    '/api/me/mfa/totp/confirm',
    {
      config: { access: 'user', rateLimit: CODE_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'Activate TOTP with a first code; answers the 10 recovery codes, shown this once',
        body: Code,
        response: withProblems({ 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) }),
      },
    },
    async (req) => d.mfa.confirmTotp(principalOf(req).id, req.body.code),
  );

  app.post(
    '/api/me/mfa/totp/disable',
    {
      config: { access: 'user', rateLimit: CODE_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'Turn TOTP off (and drop the recovery codes) with a fresh code or a recovery code',
        body: Code,
        response: withProblems({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await d.mfa.disableTotp(principalOf(req).id, req.body.code);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/me/step-up',
    {
      config: { access: 'user', rateLimit: CODE_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'Show a second factor (TOTP or recovery code): a 5-minute step-up proof',
        description:
          'Send the token as the Flashmob-Step-Up header on a call that answered 403 step_up_required. ' +
          '403 invalid_code for a wrong, expired or reused code; 409 mfa_not_active without TOTP.',
        body: Code,
        response: withProblems({
          200: Type.Object({ token: Type.String(), expiresAt: Type.String(), header: Type.String() }),
        }),
      },
    },
    async (req) => {
      const userId = principalOf(req).id;
      const factor = await d.mfa.verifyCode(userId, req.body.code);
      return { ...(await d.stepUpProofs.issue(userId, factor)), header: STEP_UP_HEADER };
    },
  );
}
