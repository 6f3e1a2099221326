export type { PipelineDeps } from './deps.ts';
export { FRAUD_CONSUMER } from './fraud-screening.ts';
export { OrderActions } from './order-actions.ts';
export { PAYMENTS_CONSUMER } from './payments-consumer.ts';
export { createPipeline, orderPipelineConsumers, type PipelineModule, pipelinePlugin } from './plugin.ts';
export { pipelineRoutes } from './routes.ts';
export { FULFILMENT_CONSUMER, SANDBOX_CARRIER } from './sandbox-warehouse.ts';
