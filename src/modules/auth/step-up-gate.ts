import type { FastifyRequest } from 'fastify';
import { needsStepUp, proofHolds, type StepUpAction } from '../../domain/step-up.ts';
import type { Clock } from '../../platform/clock.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { authorize, stepUp } from '../policy/index.ts';
import type { MfaService } from './mfa-service.ts';
import { STEP_UP_HEADER, type StepUpProofs } from './step-up-proofs.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route is a sensitive action: it may need a fresh second factor (domain/step-up.ts). */
    stepUp?: StepUpAction;
  }
}

export interface StepUpGateDeps {
  readonly mfa: MfaService;
  readonly stepUpProofs: StepUpProofs;
  readonly clock: Clock;
  /** `STEP_UP_ORDER_CENTS`. */
  readonly orderThresholdCents: number;
  /** The total, in minor units, of what a checkout request would order (its live holds). */
  readonly checkoutTotalOf: (buyerId: string, body: unknown) => Promise<number>;
}

/**
 * Routes that declare `config.stepUp` go through the policy's `stepUp` rule once their input is
 * validated (preHandler) and before their handler runs, so a refused call changes nothing.
 * Registered before the routes, next to access control.
 */
export function registerStepUpGate(app: App, deps: StepUpGateDeps): void {
  app.addHook('preHandler', async (request) => {
    const action = request.routeOptions.config.stepUp;
    if (!action) return;
    const actor = principalOf(request);
    const amountCents =
      action === 'checkout' ? await deps.checkoutTotalOf(actor.id, request.body) : undefined;
    const known = action === 'add_factor' ? await deps.mfa.hasFactor(actor.id) : undefined;
    const needed = needsStepUp({
      action,
      orderThresholdCents: deps.orderThresholdCents,
      ...(amountCents === undefined ? {} : { amountCents }),
      ...(known === undefined ? {} : { hasFactor: known }),
    });
    if (!needed) return;
    const proof = await deps.stepUpProofs.read(headerOf(request));
    const proven = proofHolds(proof, actor.id, deps.clock.now());
    const hasFactor = known ?? (!proven && !actor.guest && (await deps.mfa.hasFactor(actor.id)));
    authorize(stepUp(actor, { needed, proven, hasFactor }));
  });
}

function headerOf(request: FastifyRequest): string | undefined {
  const value = request.headers[STEP_UP_HEADER];
  return typeof value === 'string' ? value : undefined;
}
