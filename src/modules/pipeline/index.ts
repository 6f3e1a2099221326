import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import type { PipelineDeps } from './deps.ts';
import { fraudConsumer } from './fraud-screening.ts';
import { paymentsConsumer } from './payments-consumer.ts';
import { sandboxWarehouseConsumer } from './sandbox-warehouse.ts';

export type { PipelineDeps } from './deps.ts';
export { FRAUD_CONSUMER } from './fraud-screening.ts';
export { OrderActions } from './order-actions.ts';
export { PAYMENTS_CONSUMER } from './payments-consumer.ts';
export { pipelineRoutes } from './routes.ts';
export { FULFILMENT_CONSUMER, SANDBOX_CARRIER } from './sandbox-warehouse.ts';

/**
 * The asynchronous order pipeline, as durable consumers of the event log (the `worker` role):
 * order.paid → fraud → order.accepted → payments (capture) → order.captured → fulfilment (pack,
 * ship). Each step is idempotent: its effect, its event and its processed marker commit together.
 * No `reset`: these groups act on the world, so a replay re-delivers and the markers skip.
 */
export function orderPipelineConsumers(deps: PipelineDeps): ConsumerDefinition[] {
  return [fraudConsumer(deps), paymentsConsumer(deps), sandboxWarehouseConsumer(deps)];
}
