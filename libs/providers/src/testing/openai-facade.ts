import { createServer, type Server } from 'node:http';
import type { ChatCompletionRequest } from '../openai-wire';
import type { UpstreamProvider, UpstreamTarget } from '../upstream-provider.port';

/**
 * Serves what an adapter produces as OpenAI's wire format (JSON, or SSE ending in `[DONE]`), the way
 * the gateway does, so tests can check that the official `openai` client consumes it. Listens on
 * 127.0.0.1 on a free port.
 */
export function serveAsOpenAI(provider: UpstreamProvider, target: UpstreamTarget): Promise<Server> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as ChatCompletionRequest;
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for await (const chunk of provider.stream(target, body))
            res.write(`data: ${JSON.stringify(chunk)}\n\n`);
          res.end('data: [DONE]\n\n');
        } else {
          const completion = await provider.complete(target, body);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(completion));
        }
      })().catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: String(error), type: 'server_error', param: null, code: null },
          }),
        );
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
