import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { problemBody, toErrorResponse } from '../errors/error-response';
import { requestIdOf } from '../logging/request-id';
import { LOGGER } from '../runtime/runtime.tokens';

/**
 * `/metrics` is an operations endpoint, not the OpenAI surface: its errors are problem+json, and a
 * 401 says how to authenticate (WWW-Authenticate: Bearer).
 */
@Catch()
export class MetricsProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = toErrorResponse(exception);
    const requestId = requestIdOf(request);
    if (response.status >= 500)
      this.logger.error(
        { requestId, err: exception instanceof Error ? exception.message : String(exception) },
        'metrics scrape failed',
      );
    if (reply.sent || reply.raw.headersSent) return;
    if (response.headers) void reply.headers(response.headers);
    if (response.status === 401) void reply.header('www-authenticate', 'Bearer realm="metrics"');
    void reply
      .header('x-switchyard-request-id', requestId)
      .status(response.status)
      .type('application/problem+json')
      .send(problemBody(response, requestId));
  }
}
