import fp from 'fastify-plugin';
import type { ConsumerDefinition } from '../../platform/bus/consumer-def.ts';
import { type AppPluginFn, SHARED_CONCERNS, STEP_UP } from '../../platform/http/shared.ts';
import type { PipelineDeps } from './deps.ts';
import { fraudConsumer } from './fraud-screening.ts';
import { paymentsConsumer } from './payments-consumer.ts';
import { pipelineRoutes } from './routes.ts';
import { sandboxWarehouseConsumer } from './sandbox-warehouse.ts';

/**
 * The asynchronous order pipeline, as durable consumers of the event log (the `worker` role):
 * order.paid → fraud → order.accepted → payments (capture) → order.captured → fulfilment (pack,
 * ship). Each step is idempotent: its effect, its event and its processed marker commit together.
 * No `reset`: these groups act on the world, so a replay re-delivers and the markers skip.
 */
export function orderPipelineConsumers(deps: PipelineDeps): ConsumerDefinition[] {
  return [fraudConsumer(deps), paymentsConsumer(deps), sandboxWarehouseConsumer(deps)];
}

export interface PipelineModule {
  readonly deps: PipelineDeps;
  readonly consumers: readonly ConsumerDefinition[];
}

/** The pipeline's consumers and the order actions behind its routes. */
export function createPipeline(deps: PipelineDeps): PipelineModule {
  return { deps, consumers: orderPipelineConsumers(deps) };
}

const pipeline: AppPluginFn<PipelineModule> = async (app, m) => pipelineRoutes(app, m.deps);

/** Order actions (cancel, refund, review, fulfilment): the pipeline module's routes. */
export const pipelinePlugin = fp(pipeline, {
  name: 'flashmob-pipeline',
  fastify: '5.x',
  encapsulate: true,
  dependencies: [...SHARED_CONCERNS, STEP_UP],
});
