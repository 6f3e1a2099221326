/**
 * The browser build's stand-in for `node:worker_threads` (aliased in vite.config.ts): the client
 * library's solvePowInBackground (src/client/pow.ts) only reaches it outside browsers, where
 * there is no Web Worker. Here it is never constructed.
 */
export class Worker {
  constructor() {
    throw new Error('node:worker_threads is not available in the browser: use a Web Worker');
  }
}
