import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { openAIErrorBody, problemBody, toErrorResponse } from './error-response';
import { requestIdOf } from '../logging/request-id';

/** One filter for both surfaces: OpenAI's error shape on /v1, problem+json on /api (STYLE.md §7). */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendError(this.logger, request, reply, exception);
  }
}

export function sendError(
  logger: Logger,
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
): void {
  const response = toErrorResponse(exception);
  const requestId = requestIdOf(request);
  if (response.status >= 500) {
    logger.error(
      {
        requestId,
        err:
          exception instanceof Error
            ? { name: exception.name, message: exception.message, stack: exception.stack }
            : String(exception),
      },
      'request failed',
    );
  }
  if (reply.sent || reply.raw.headersSent) return;
  if (response.headers) void reply.headers(response.headers);
  void reply.header('x-switchyard-request-id', requestId);
  if (request.url.startsWith('/api/')) {
    void reply
      .status(response.status)
      .type('application/problem+json')
      .send(problemBody(response, requestId));
  } else {
    void reply.status(response.status).send(openAIErrorBody(response));
  }
}
