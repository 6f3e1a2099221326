import type { Bus } from '../../platform/bus/bus.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Store } from '../../platform/store/store.ts';
import { AccountStates } from './account-states.ts';
import type { ScryptParams } from './passwords.ts';
import { type SecondFactor, secondFactor } from './second-factor.ts';
import { AuthService } from './service.ts';
import { TokenService } from './tokens.ts';

export { ACCOUNT_CHANGED, type AccountChange, AccountStates } from './account-states.ts';
export { DEFAULT_SCRYPT, type ScryptParams } from './passwords.ts';
export { authRoutes, UserSchema } from './routes.ts';
export { AdminConflictError, AuthService, type User } from './service.ts';
export { hasRole, type Principal, ROLES, TokenService, type UserRole } from './tokens.ts';

/**
 * Accounts of one node: tokens checked against each account's current version (cached per user
 * for ACCOUNT_STATE_TTL_MS, changes applied at once here and announced on the bus), the
 * service behind sign-in, roles, suspension and passwords, and the second factor (its keys
 * derived from the token secret).
 */
export function createAuth(o: {
  readonly store: Store;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly jwtSecret: string;
  readonly passwordParams?: ScryptParams | undefined;
}): { accounts: AccountStates; tokens: TokenService; auth: AuthService } & SecondFactor {
  const accounts = new AccountStates({ sql: o.store, bus: o.bus, clock: o.clock });
  const tokens = new TokenService(o.jwtSecret, o.clock, accounts);
  const auth = new AuthService({
    store: o.store,
    tokens,
    clock: o.clock,
    accounts,
    ...(o.passwordParams ? { passwordParams: o.passwordParams } : {}),
  });
  return {
    accounts,
    tokens,
    auth,
    ...secondFactor({ secret: tokens.secretKey, store: o.store, clock: o.clock }),
  };
}
export { mfaRoutes } from './mfa-routes.ts';
export { passkeyRoutes } from './passkey-routes.ts';
export { type AuthPluginOptions, authPlugin, stepUpGate } from './plugin.ts';
export { type SecondFactor, secondFactor } from './second-factor.ts';
export { registerStepUpGate } from './step-up-gate.ts';
