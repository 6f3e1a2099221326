import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { identifiesClient } from '../net.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may read /metrics (route names, consumer groups, order counts: not for the public). With
 * METRICS_TOKEN: whoever sends it as a bearer token. Without: direct requests from loopback or
 * private addresses only (a scraper inside the network); anything that came through a proxy is
 * refused, since behind a load balancer every request looks private.
 */
export function assertMetricsAccess(req: FastifyRequest, token: string | undefined): void {
  if (token) {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!given) {
      throw new AppError('unauthenticated', 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>');
    }
    if (!timingSafeEqual(digest(given), digest(token)))
      throw new AppError('invalid_token', 'Wrong metrics token');
    return;
  }
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (proxied || identifiesClient(req.socket.remoteAddress ?? '')) {
    throw new AppError(
      'forbidden',
      'Metrics are served to the private network only: set METRICS_TOKEN to scrape from elsewhere',
    );
  }
}
