import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { sendError } from '../errors/gateway-exception.filter';
import type { GatewayKeyGuard } from './gateway-key.guard';

/**
 * On the OpenAI-compatible surface every route needs a gateway key or an access token, so it is
 * checked when the request arrives, before its body is read or parsed: an unauthenticated request
 * costs a hash and a map lookup, never a JSON.parse of up to MAX_REQUEST_BYTES. The guard's own
 * check is the one used here, and the guard later finds the principal this hook resolved.
 */
export function checkGatewayKeyBeforeBody(
  fastify: FastifyInstance,
  guard: GatewayKeyGuard,
  logger: Logger,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    // The matched route's pattern, not the raw URL: unknown routes stay 404s.
    if (!request.routeOptions.url?.startsWith('/v1/')) {
      done();
      return;
    }
    let principal: ReturnType<GatewayKeyGuard['authenticate']>;
    try {
      principal = guard.authenticate(request);
    } catch (e) {
      sendError(logger, request, reply, e);
      return;
    }
    // An access token not seen before is verified asynchronously (JWKS), still before the body.
    if (principal instanceof Promise)
      principal.then(
        () => done(),
        (e: unknown) => sendError(logger, request, reply, e),
      );
    else done();
  });
}
