/** The waiting-room module's public entry: other modules and the app import only this file. */
export { AdmissionTokens } from './admission-tokens.ts';
export { waitingRoomConsumer } from './consumer.ts';
export { MemoryQueueStore } from './memory-queue-store.ts';
export { createWaitingRoom, type WaitingRoomModule, waitingRoomPlugin } from './plugin.ts';
export type { QueueStore } from './queue-store.ts';
export { RedisQueueStore } from './redis-queue-store.ts';
export { admissionGate, waitingRoomRoutes } from './routes.ts';
export { WaitingRoomService } from './service.ts';
