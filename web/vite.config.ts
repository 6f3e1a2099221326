import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type PluginOption } from 'vite';

/** The web app's own folder (the server builds with `configFile: web/vite.config.ts`). */
const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * A build is for production even when NODE_ENV says otherwise: Vitest sets it to "test" and the
 * browser tests build in-process, and React's development build is bigger and much slower. Vite
 * reads NODE_ENV after loading this file (its documented way); the previous value is restored
 * when the build ends, so a host process (a test run) is left as it was.
 */
function productionBuild(command: string): PluginOption {
  if (command !== 'build' || process.env.NODE_ENV === 'production') return null;
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const restore = () => {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  };
  return { name: 'flashmob:restore-node-env', closeBundle: restore, buildEnd: (e) => void (e && restore()) };
}

export default defineConfig(({ command }) => ({
  root,
  base: '/',
  plugins: [react(), productionBuild(command)],
  resolve: {
    // src/client/pow.ts solves in a Web Worker in browsers and in a worker thread in Node: the
    // Node branch's import is a stub here (no "externalized for browser compatibility" shim).
    alias: [{ find: /^node:worker_threads$/, replacement: `${root}src/lib/node-worker-threads-stub.ts` }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npx vite --config web/vite.config.ts` with `npm start` running on :3000.
    fs: { allow: [repo] },
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/docs': 'http://127.0.0.1:3000',
      '/ws': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
}));
