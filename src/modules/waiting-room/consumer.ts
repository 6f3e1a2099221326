import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import type { WaitingRoomService } from './service.ts';

/** A buyer who checked out stops counting as active in the sale's waiting room (idempotent). */
export function waitingRoomConsumer(service: WaitingRoomService): ConsumerDefinition {
  return {
    name: 'waiting-room',
    types: ['order.placed'],
    async handle(event) {
      const buyerId = String(event.payload['buyerId']);
      const lines = (event.payload['lines'] as Array<{ saleId: string }> | undefined) ?? [];
      for (const saleId of new Set(lines.map((l) => l.saleId))) await service.finished(saleId, buyerId);
    },
  };
}
