import type { FastifyRequest } from 'fastify';
import { hasRole, type Principal } from '@gw/accounts';
import type { ActorKind, EventMetadata } from '@gw/shared-kernel';
import { requestIdOf } from '../logging/request-id';
import { clientOf } from './client-address';

/** User-Agent headers are the caller's text: kept for the audit trail, bounded. */
const MAX_USER_AGENT = 256;

/** `admin` when the principal holds the admin role, otherwise `user`. */
export const actorKindOf = (principal: Principal): ActorKind =>
  hasRole(principal, 'admin') ? 'admin' : 'user';

/**
 * The metadata of every event a command from HTTP causes: correlation id = the gateway's request id
 * (also returned in x-switchyard-request-id), the actor (user id and kind), the caller's address and
 * User-Agent. Controllers pass it to the command; the audit endpoints show it. The address is the
 * client's as TRUSTED_PROXIES lets the gateway tell it (clientOf).
 */
export function commandMetadata(request: FastifyRequest, principal: Principal): EventMetadata {
  const userAgent = request.headers['user-agent'];
  return {
    correlationId: requestIdOf(request),
    actorId: principal.userId,
    actorKind: actorKindOf(principal),
    tenantId: principal.userId,
    sourceIp: clientOf(request).address,
    ...(typeof userAgent === 'string' && userAgent.length > 0
      ? { userAgent: userAgent.slice(0, MAX_USER_AGENT) }
      : {}),
  };
}

/** The metadata of events the gateway causes on its own (seeding, bootstrap, health). */
export function systemMetadata(correlationId: string, actorId = 'system'): EventMetadata {
  return { correlationId, actorId, actorKind: 'system' };
}
