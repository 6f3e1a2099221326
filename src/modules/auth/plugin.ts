import fp from 'fastify-plugin';
import { ACCESS, type AppPluginFn, SHARED_CONCERNS, STEP_UP } from '../../platform/http/shared.ts';
import { mfaRoutes } from './mfa-routes.ts';
import { passkeyRoutes } from './passkey-routes.ts';
import { authRoutes } from './routes.ts';
import type { SecondFactor } from './second-factor.ts';
import type { AuthService } from './service.ts';
import { registerStepUpGate, type StepUpGateDeps } from './step-up-gate.ts';

export interface AuthPluginOptions extends SecondFactor {
  readonly auth: AuthService;
  /** `WEBAUTHN_RP_ID` and `WEBAUTHN_ORIGINS`: who passkeys are made for. */
  readonly relyingParty: { webauthnRpId: string | undefined; webauthnOrigins: readonly string[] };
}

const auth: AppPluginFn<AuthPluginOptions> = async (app, o) => {
  authRoutes(app, o.auth);
  mfaRoutes(app, o);
  passkeyRoutes(app, o, o.relyingParty);
};

/** Accounts, sessions, the second factor and passkeys: the auth module's routes. */
export const authPlugin = fp(auth, {
  name: 'flashmob-auth',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS, STEP_UP],
});

/**
 * The step-up gate is shared, not encapsulated: routes of several modules (checkout, refunds, role
 * changes, adding a factor) declare `config.stepUp`, and its preHandler must run for all of them.
 */
const gate: AppPluginFn<StepUpGateDeps> = async (app, d) => registerStepUpGate(app, d);
export const stepUpGate = fp(gate, {
  name: STEP_UP,
  fastify: '5.x',
  dependencies: [ACCESS],
});
