import fp from 'fastify-plugin';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { Ports } from '../../platform/ports.ts';
import type { SalesService } from '../sales/index.ts';
import { ClaimEngine } from './engine.ts';
import { ReservationsService } from './reservations.ts';
import { type ClaimRoutesDeps, claimRoutes } from './routes.ts';
import { HoldSweeper } from './sweeper.ts';
import { WaitlistService } from './waitlist.ts';

export interface ClaimsModule {
  readonly engine: ClaimEngine;
  readonly reservations: ReservationsService;
  readonly waitlist: WaitlistService;
  /** Expires holds past their time (started on worker nodes). */
  readonly sweeper: HoldSweeper;
}

/** The claim engine, holds, the waitlist and the hold sweeper of one node. */
export function createClaims(
  p: Omit<Ports, 'bus'>,
  o: {
    readonly sales: SalesService;
    readonly metrics: Metrics;
    /** `CLAIM_BATCH_MAX`, `CLAIM_BATCH_WAIT_MS`, `SWEEP_INTERVAL_MS`. */
    readonly batchMax: number;
    readonly batchWaitMs: number;
    readonly sweepIntervalMs: number;
  },
): ClaimsModule {
  const { store, clock, logger, onCommit } = p;
  const { metrics } = o;
  return {
    engine: new ClaimEngine({
      store,
      sales: o.sales,
      clock,
      logger,
      batchMax: o.batchMax,
      batchWaitMs: o.batchWaitMs,
      onCommit,
      metrics: {
        batch: (n, path) => {
          metrics.batchSize.observe(n);
          metrics.claimBatches.inc({ path });
        },
        outcome: (code) => metrics.claims.inc({ outcome: code }),
      },
    }),
    reservations: new ReservationsService(store, clock, onCommit),
    waitlist: new WaitlistService(store, clock, onCommit),
    sweeper: new HoldSweeper({
      store,
      clock,
      logger,
      intervalMs: o.sweepIntervalMs,
      onCommit,
      onExpired: (n) => metrics.holdExpiries.inc(n),
    }),
  };
}

const claims: AppPluginFn<ClaimRoutesDeps> = async (app, d) => claimRoutes(app, d);

/** Claims, holds and the waitlist: the claims module's routes. */
export const claimsPlugin = fp(claims, {
  name: 'flashmob-claims',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
