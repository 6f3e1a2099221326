import type { Config } from '../config.ts';

/** Roles that serve the HTTP API and the web app. */
export const servesHttp = (c: Config) => c.role === 'all' || c.role === 'api';
/** Roles that serve `/ws`. */
export const servesRealtime = (c: Config) => c.role === 'all' || c.role === 'realtime';
/** Roles that run consumer groups, sweepers, chores and auction settlement. */
export const runsWorkers = (c: Config) => c.role === 'all' || c.role === 'worker';
