import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * The request id, made by the gateway (a client's x-request-id is not trusted as a stream id: two
 * requests could share it). It names the `request-{id}` stream and is returned in x-switchyard-request-id.
 */
export function requestIdOf(request: FastifyRequest): string {
  const holder = request as FastifyRequest & { switchyardRequestId?: string };
  holder.switchyardRequestId ??= randomUUID();
  return holder.switchyardRequestId;
}
