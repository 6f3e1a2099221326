import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, withProblems } from '../../platform/http/schemas.ts';
import { CODE_LIMIT } from './mfa-routes.ts';
import type { PasskeyService, RelyingParty } from './passkey-service.ts';
import { STEP_UP_HEADER, type StepUpProofs } from './step-up-proofs.ts';

const B64 = (max: number) => Type.String({ maxLength: max });
/** Only the extension we ask for (credProps, added by generateRegistrationOptions): unknown keys are refused. */
const Extensions = Body({ credProps: Type.Optional(Body({ rk: Type.Optional(Type.Boolean()) })) });
const Attachment = Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]);
const Transports = Type.Array(
  Type.Union(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'].map((t) => Type.Literal(t))),
  { maxItems: 10 },
);

/** RegistrationResponseJSON of @simplewebauthn/browser (what `startRegistration` resolves). */
const Registration = Body({
  id: B64(1024),
  rawId: B64(1024),
  type: Type.Literal('public-key'),
  authenticatorAttachment: Type.Optional(Attachment),
  clientExtensionResults: Extensions,
  response: Body({
    clientDataJSON: B64(4096),
    attestationObject: B64(16_384),
    authenticatorData: Type.Optional(B64(16_384)),
    publicKey: Type.Optional(B64(4096)),
    publicKeyAlgorithm: Type.Optional(Type.Integer({ minimum: -100_000, maximum: 100_000 })),
    transports: Type.Optional(Transports),
  }),
});

/** AuthenticationResponseJSON (what `startAuthentication` resolves). */
const Authentication = Body({
  id: B64(1024),
  rawId: B64(1024),
  type: Type.Literal('public-key'),
  authenticatorAttachment: Type.Optional(Attachment),
  clientExtensionResults: Extensions,
  response: Body({
    clientDataJSON: B64(4096),
    authenticatorData: B64(16_384),
    signature: B64(4096),
    userHandle: Type.Optional(B64(1024)),
  }),
});
/** WebAuthn options as @simplewebauthn/server makes them: the fields named, any newer ones kept. */
const Open = <P extends Record<string, TSchema>>(props: P, description?: string) =>
  Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });
const Credential = Open({
  id: Type.String(),
  type: Type.Literal('public-key'),
  transports: Type.Optional(Type.Array(Type.String())),
});
const Common = {
  challenge: Type.String(),
  timeout: Type.Optional(Type.Integer()),
  hints: Type.Optional(Type.Array(Type.String())),
  extensions: Type.Optional(Open({})),
};
/** PublicKeyCredentialCreationOptionsJSON (for `startRegistration`). */
const CreationOptions = Open(
  {
    ...Common,
    rp: Open({ name: Type.String(), id: Type.Optional(Type.String()) }),
    user: Open({ id: Type.String(), name: Type.String(), displayName: Type.String() }),
    pubKeyCredParams: Type.Array(Open({ alg: Type.Integer(), type: Type.Literal('public-key') })),
    excludeCredentials: Type.Optional(Type.Array(Credential)),
    authenticatorSelection: Type.Optional(
      Open({
        authenticatorAttachment: Type.Optional(Type.String()),
        requireResidentKey: Type.Optional(Type.Boolean()),
        residentKey: Type.Optional(Type.String()),
        userVerification: Type.Optional(Type.String()),
      }),
    ),
    attestation: Type.Optional(Type.String()),
    attestationFormats: Type.Optional(Type.Array(Type.String())),
  },
  'WebAuthn PublicKeyCredentialCreationOptionsJSON',
);
/** PublicKeyCredentialRequestOptionsJSON (for `startAuthentication`). */
const RequestOptions = Open(
  {
    ...Common,
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(Type.Array(Credential)),
    userVerification: Type.Optional(Type.String()),
  },
  'WebAuthn PublicKeyCredentialRequestOptionsJSON',
);

/**
 * The relying party: configured (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS), or the request's own host and
 * origin (behind a proxy, TRUST_PROXY makes them the public ones).
 */
const rpOf = (
  req: FastifyRequest,
  c: { webauthnRpId: string | undefined; webauthnOrigins: readonly string[] },
) =>
  ({
    id: c.webauthnRpId ?? req.hostname,
    origins: c.webauthnOrigins.length > 0 ? c.webauthnOrigins : [`${req.protocol}://${req.host}`],
  }) satisfies RelyingParty;

export function passkeyRoutes(
  app: App,
  d: { passkeys: PasskeyService; stepUpProofs: StepUpProofs },
  config: { webauthnRpId: string | undefined; webauthnOrigins: readonly string[] },
): void {
  const tags = ['auth'];
  app.post(
    '/api/me/mfa/passkeys/register/options',
    {
      config: {
        access: 'user',
        stepUp: 'add_factor',
        rateLimit: { points: 10, windowSeconds: 60, by: 'user' },
      },
      schema: {
        tags,
        summary: 'Start adding a passkey: WebAuthn creation options (for startRegistration)',
        description: 'With a second factor already, 403 step_up_required without a Flashmob-Step-Up proof.',
        response: withProblems({ 200: CreationOptions }),
      },
    },
    async (req) => d.passkeys.registrationOptions(principalOf(req).id, rpOf(req, config)),
  );

  app.post(
    '/api/me/mfa/passkeys/register/verify',
    {
      config: { access: 'user', rateLimit: CODE_LIMIT },
      schema: {
        tags,
        summary: 'Finish adding a passkey; 422 passkey_rejected when it does not verify',
        body: Registration,
        response: withProblems({ 201: Type.Object({ id: Type.String() }) }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await d.passkeys.register(principalOf(req).id, req.body, rpOf(req, config))),
  );

  app.post(
    '/api/me/mfa/passkeys/authenticate/options',
    {
      config: { access: 'user', rateLimit: { points: 10, windowSeconds: 60, by: 'user' } },
      schema: {
        tags,
        summary: 'Step up with a passkey: WebAuthn request options (for startAuthentication)',
        description: '409 mfa_not_active when the account has no passkey.',
        response: withProblems({ 200: RequestOptions }),
      },
    },
    async (req) => d.passkeys.authenticationOptions(principalOf(req).id, rpOf(req, config)),
  );

  app.post(
    '/api/me/mfa/passkeys/authenticate/verify',
    {
      config: { access: 'user', rateLimit: CODE_LIMIT },
      schema: {
        tags,
        summary: 'The passkey’s answer → a 5-minute step-up proof (as POST /api/me/step-up)',
        body: Authentication,
        response: withProblems({
          200: Type.Object({ token: Type.String(), expiresAt: Type.String(), header: Type.String() }),
        }),
      },
    },
    async (req) => {
      const userId = principalOf(req).id;
      await d.passkeys.authenticate(userId, req.body, rpOf(req, config));
      return { ...(await d.stepUpProofs.issue(userId, 'passkey')), header: STEP_UP_HEADER };
    },
  );
}
