import type { FastifyInstance } from 'fastify';
import { ValidationError } from '@gw/shared-kernel';

/**
 * JSON bodies, parsed so that malformed JSON is a ValidationError (400, code invalid_json) like every
 * other bad input, instead of Fastify's own error shape. `bodyLimit` bounds every body; the portal
 * API's routes (`/api/…`) get `apiBodyLimit` as their own limit (set as each route is registered, so
 * this runs before the app's routes are), and a larger body is a 413 before it is read further.
 */
export function useJsonBodyParser(
  fastify: FastifyInstance,
  bodyLimit: number,
  apiBodyLimit = bodyLimit,
): void {
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/')) route.bodyLimit = apiBodyLimit;
  });
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (request, body, done) => {
      const text = body as string;
      // A signed webhook's signature covers its bytes as sent: keep them beside the parsed body.
      if (request.url.startsWith('/api/v1/billing/webhooks/'))
        (request as { rawBody?: string }).rawBody = text;
      if (text.length === 0) {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch (e) {
        done(
          new ValidationError(
            'REQUEST.INVALID_JSON',
            `The request body is not valid JSON: ${(e as Error).message}`,
          ),
          undefined,
        );
      }
    },
  );
}
