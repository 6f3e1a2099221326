import type { Clock } from '../../platform/clock.ts';
import type { Store } from '../../platform/store/store.ts';
import { MfaKeys } from './mfa-crypto.ts';
import { MfaService } from './mfa-service.ts';
import { PasskeyService } from './passkey-service.ts';
import { StepUpProofs } from './step-up-proofs.ts';

export interface SecondFactor {
  readonly mfa: MfaService;
  readonly stepUpProofs: StepUpProofs;
  readonly passkeys: PasskeyService;
}

/** The second-factor services, their keys derived from the server secret (see MfaKeys). */
export function secondFactor(o: { secret: Uint8Array; store: Store; clock: Clock }): SecondFactor {
  const keys = new MfaKeys(o.secret);
  return {
    mfa: new MfaService({ sql: o.store, keys, clock: o.clock }),
    stepUpProofs: new StepUpProofs(keys.stepUpKey, o.clock),
    passkeys: new PasskeyService({ sql: o.store, clock: o.clock }),
  };
}
