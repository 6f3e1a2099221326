/**
 * Step-up: which actions need a fresh second factor on top of the session token, and whether a
 * step-up proof still vouches for the caller. Pure; asked through the policy (`stepUp` in
 * domain/policy.ts) by the gate in modules/auth/step-up-gate.ts.
 *
 * Why these actions: a stolen session token (XSS, a shared machine) must not be enough to promote
 * an accomplice, pay money out (refunds) or spend a large amount of the victim's money.
 */

export const STEP_UP_ACTIONS = ['change_role', 'refund', 'checkout', 'add_factor'] as const;
export type StepUpAction = (typeof STEP_UP_ACTIONS)[number];

/** How long a step-up proof counts (NIST SP 800-63B re-authentication for sensitive actions). */
export const STEP_UP_TTL_SECONDS = 5 * 60;

/** The facts an action's need is decided on. */
export interface StepUpRequest {
  readonly action: StepUpAction;
  /** For `checkout`: the total of the holds being checked out, in minor units. */
  readonly amountCents?: number;
  /** Orders at or above this total need a step-up; 0 makes every order need one. */
  readonly orderThresholdCents: number;
  /** For `add_factor`: the account already has a second factor. */
  readonly hasFactor?: boolean;
}

/** Does this action, with these facts, need a step-up? */
export function needsStepUp(req: StepUpRequest): boolean {
  switch (req.action) {
    case 'change_role':
    case 'refund':
      return true;
    // Adding a factor to an account that has one needs that one: otherwise a stolen session could
    // add the thief's own passkey and step up with it. The first factor cannot be guarded so.
    case 'add_factor':
      return req.hasFactor === true;
    case 'checkout':
      return (req.amountCents ?? 0) >= req.orderThresholdCents && (req.amountCents ?? 0) > 0;
  }
}

/** A verified step-up proof: whose, and when the second factor was presented (`auth_time`). */
export interface StepUpProof {
  readonly userId: string;
  readonly authTimeMs: number;
}

/** A proof counts for its own user and for `STEP_UP_TTL_SECONDS` after the factor was shown. */
export function proofHolds(proof: StepUpProof | undefined, userId: string, nowMs: number): boolean {
  if (!proof || proof.userId !== userId) return false;
  const age = nowMs - proof.authTimeMs;
  return age >= 0 && age < STEP_UP_TTL_SECONDS * 1000;
}
