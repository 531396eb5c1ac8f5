import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { requestIdOf } from '../logging/request-id';

/**
 * One JSON line per answered request: request id, method, path (never the query string, which can
 * carry secrets), status and duration. Streams (hijacked replies) are logged by the chat service.
 * At LOG_LEVEL warn or above (the benchmarks run at warn) the line is neither written nor built.
 */
export function useAccessLog(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!logger.isLevelEnabled('info')) {
      done();
      return;
    }
    logger.info(
      {
        requestId: requestIdOf(request),
        method: request.method,
        path: request.url.split('?', 1)[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 1000) / 1000,
      },
      'request',
    );
    done();
  });
}
