import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { authorizeScrape, tokenDigest, type ScrapeAuth } from './scrape-auth';

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** METRICS_TOKEN; without it every scrape is refused (401). */
  readonly metricsToken?: { reveal(): string };
  readonly host: string;
  /** 0: any free port (tests). */
  readonly port: number;
  readonly logger: Logger;
}

export interface MetricsServer {
  /** The port it listens on (the chosen one when asked for 0). */
  readonly port: number;
  /** e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  close(): Promise<void>;
}

const REFUSED: Record<Exclude<ScrapeAuth, 'allowed'>, { code: string; detail: string }> = {
  missing: {
    code: 'missing_api_key',
    detail: "Metrics need credentials: send 'Authorization: Bearer <METRICS_TOKEN>'.",
  },
  invalid: { code: 'invalid_api_key', detail: 'The metrics credentials are not valid.' },
};

/**
 * The projector's operations endpoint on node:http: `GET /metrics` (Prometheus text, with
 * `Authorization: Bearer <METRICS_TOKEN>`) and `GET /health` (200 while the process runs, open).
 * Errors are problem+json like the gateway's `/metrics`; a 401 carries `WWW-Authenticate: Bearer`.
 * The Authorization header is never logged or echoed.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const expected = options.metricsToken ? tokenDigest(options.metricsToken.reveal()) : undefined;
  const server = createServer((req, res) => {
    handle(req, res, options, expected).catch((error: unknown) => {
      options.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'metrics scrape failed',
      );
      if (res.headersSent) res.destroy();
      else
        problem(res, 500, 'Internal Server Error', 'internal_error', 'The metrics could not be collected.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: MetricsServerOptions,
  expected: Buffer | undefined,
): Promise<void> {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const method = req.method ?? 'GET';
  if (path !== '/metrics' && path !== '/health')
    return problem(res, 404, 'Not Found', 'not_found', 'This server has GET /metrics and GET /health.');
  if (method !== 'GET' && method !== 'HEAD')
    return problem(res, 405, 'Method Not Allowed', 'method_not_allowed', `${path} takes GET.`, {
      allow: 'GET, HEAD',
    });
  if (path === '/health') return send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));

  const auth = authorizeScrape(header(req, 'authorization'), expected);
  if (auth !== 'allowed') {
    const { code, detail } = REFUSED[auth];
    return problem(res, 401, 'Unauthorized', code, detail, {
      'www-authenticate': 'Bearer realm="metrics"',
    });
  }
  const body = await options.registry.metrics();
  send(res, 200, options.registry.contentType, body);
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  code: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const correlationId = randomUUID();
  const body = JSON.stringify({ type: 'about:blank', title, status, detail, code, correlationId });
  send(res, status, 'application/problem+json', body, {
    ...headers,
    'x-switchyard-request-id': correlationId,
  });
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
