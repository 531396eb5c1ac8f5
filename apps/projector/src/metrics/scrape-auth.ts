import { createHash, timingSafeEqual } from 'node:crypto';

/** What a scrape's `Authorization` header amounts to. */
export type ScrapeAuth = 'allowed' | 'missing' | 'invalid';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** SHA-256 of a token: equal-length digests compare in constant time whatever was sent. */
export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time (as the gateway's MetricsGuard
 * does). Without a configured token (`expected` undefined) nothing is allowed: the projector never
 * runs embedded, so its metrics are never open.
 */
export function authorizeScrape(header: string | undefined, expected: Buffer | undefined): ScrapeAuth {
  if (!header) return 'missing';
  const token = BEARER.exec(header)?.[1];
  if (!token || !expected) return 'invalid';
  return timingSafeEqual(tokenDigest(token), expected) ? 'allowed' : 'invalid';
}
