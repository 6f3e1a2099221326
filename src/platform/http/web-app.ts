import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

export const WEB_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));
export const WEB_DIST = path.join(WEB_ROOT, 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than a source file of the web app or the client library. */
export function webBuildIsStale(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(WEB_ROOT)) return false;
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const clientLib = fileURLToPath(new URL('../../client/', import.meta.url));
  return newestMtime(WEB_ROOT) > built || newestMtime(clientLib) > built;
}

/** Builds the web app with Vite (what `npm start` does first when the build is missing or stale). */
export async function buildWebApp(logger: Logger): Promise<void> {
  const started = Date.now();
  logger.info('building the web app…');
  const { build } = await import('vite');
  await build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  logger.info({ ms: Date.now() - started }, 'web app built');
}

/**
 * Serves the built web app: hashed assets cached for a year, everything else revalidated. Any
 * GET that is not an API route and not a file is answered with index.html (client-side routing;
 * see `spaFallback`, used by the not-found handler).
 */
export async function serveWebApp(app: FastifyInstance): Promise<boolean> {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    setHeaders(res, file) {
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return true;
}

/** For the not-found handler: a browser navigation to an app route gets index.html. */
export function spaFallback(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const url = request.url.split('?')[0] ?? '/';
  const isApi = /^\/(api|ws|docs|healthz|readyz|metrics|bench)(\/|$)/.test(url);
  if (request.method !== 'GET' || isApi || path.extname(url)) return undefined;
  return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
}
