import { createHmac, randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { type AppPluginFn, SHARED_CONCERNS } from '../../platform/http/shared.ts';
import type { Ports } from '../../platform/ports.ts';
import type { AdmissionGate } from '../claims/index.ts';
import type { SalesService } from '../sales/index.ts';
import { AdmissionTokens } from './admission-tokens.ts';
import { waitingRoomConsumer } from './consumer.ts';
import type { QueueStore } from './queue-store.ts';
import { admissionGate, waitingRoomRoutes } from './routes.ts';
import { WaitingRoomService } from './service.ts';

export interface WaitingRoomModule {
  readonly waitingRoom: WaitingRoomService;
  readonly sales: SalesService;
  /** For the claim route: only admitted shoppers claim in a sale behind a waiting room. */
  readonly admission: AdmissionGate;
  readonly consumers: readonly ConsumerDefinition[];
}

/**
 * The waiting room of one node on its queue store (in memory or Redis), with admission tokens and
 * proof-of-work challenges keyed from the server secret.
 */
export function createWaitingRoom(
  p: Pick<Ports, 'clock' | 'logger'>,
  o: { readonly queueStore: QueueStore; readonly sales: SalesService; readonly secretKey: Uint8Array },
): WaitingRoomModule {
  const { clock } = p;
  const tokens = new AdmissionTokens(o.secretKey);
  const waitingRoom = new WaitingRoomService({
    store: o.queueStore,
    sales: o.sales,
    clock,
    logger: p.logger.child({ component: 'waiting-room' }),
    tokens,
    powSecret: createHmac('sha256', o.secretKey).update('flashmob-proof-of-work').digest(),
    nodeId: randomUUID(),
  });
  return {
    waitingRoom,
    sales: o.sales,
    admission: admissionGate(
      tokens,
      () => clock.now(),
      (saleId, ticketId) => waitingRoom.admissionRevoked(saleId, ticketId),
    ),
    consumers: [waitingRoomConsumer(waitingRoom)],
  };
}

const waitingRoom: AppPluginFn<WaitingRoomModule> = async (app, m) =>
  waitingRoomRoutes(app, { service: m.waitingRoom, sales: m.sales });

/** Joining, the queue, the draw and admission: the waiting room's routes. */
export const waitingRoomPlugin = fp(waitingRoom, {
  name: 'flashmob-waiting-room',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS],
});
