import type { ServerResponse } from 'node:http';
import { openAIErrorBody, toErrorResponse } from './error-response';

/**
 * For hijacked (streaming) replies: an error before the first byte is an ordinary JSON error
 * response; after it, an SSE error event that ends the stream.
 */
export function writeRawError(res: ServerResponse, error: unknown, requestId: string): void {
  if (res.destroyed) return;
  const response = toErrorResponse(error);
  const body = JSON.stringify(openAIErrorBody(response));
  if (res.headersSent) {
    res.end(`data: ${body}\n\n`);
    return;
  }
  res.writeHead(response.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-switchyard-request-id': requestId,
    ...response.headers,
  });
  res.end(body);
}
