/**
 * The Flashmob client library (browser and Node). See README.md, "Client library".
 */
export { backoffDelay } from './backoff.ts';
export { ClockEstimator, type TimeSample } from './clock.ts';
export { type Countdown, countdown, formatCountdown } from './countdown.ts';
export { leadingZeroBits, solvePow, solvePowInBackground } from './pow.ts';
export {
  BEARER_PREFIX,
  type ChannelFrame,
  CLOSE,
  type ClientFrame,
  type ControlFrame,
  type ErrorFrame,
  isChannelFrame,
  type ServerFrame,
  SUBPROTOCOL,
} from './protocol.ts';
export {
  FlashmobSocket,
  type FlashmobSocketOptions,
  type Frame,
  type SocketStatus,
  type WebSocketCtor,
  type WebSocketLike,
} from './socket.ts';
