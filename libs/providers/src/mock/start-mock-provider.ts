import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelList } from '../openai-wire';
import { validateChatRequest } from './chat-request-validation';
import { planCompletion } from './completion-plan';
import { renderCompletion, renderStreamEvents } from './completion-rendering';
import { failureFor, invalidRequest, invalidUrl, MockApiError, unauthorized } from './mock-api-error';
import { PromptMemory } from './prompt-memory';
import { SeededRandom } from './seeded-random';

export interface MockProviderOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Delay before the first byte of an answer, ±10 % jitter; default 0 (answer at once). */
  readonly latencyMs?: number;
  /** Delay between stream chunks; default latencyMs / 25 capped at 40 ms, so 0 when latencyMs is 0. */
  readonly chunkDelayMs?: number;
  /** Probability (0..1) that a chat request fails with 500, 503 or 429; default 0. */
  readonly failureRate?: number;
  /** When set, requests without `Authorization: Bearer <this key>` get OpenAI's 401. */
  readonly requireApiKey?: string;
  /** The models that exist (others get 404 model_not_found); default: any model is served. */
  readonly models?: readonly string[];
  /** Seeds content, jitter and failures; same seed, same behaviour. Default: random. */
  readonly seed?: number;
}

export interface MockProviderStats {
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** HTTP requests received so far. */
  readonly requests: number;
  /** Every top-level field name seen in a chat request body so far, sorted (what a gateway forwarded). */
  readonly paramsSeen: readonly string[];
}

export interface MockProvider {
  /**
   * From now on every chat request and model listing fails with this status (429/503 carry
   * `retry-after`), or, with null, behaves normally again: for demos and tests of fallback, provider
   * health and probes.
   */
  failWith(status: number | null, retryAfterSeconds?: number): void;
  /** e.g. `http://127.0.0.1:41234` (the API is under `/v1`). */
  readonly url: string;
  readonly port: number;
  stats(): MockProviderStats;
  close(): Promise<void>;
}

/** Request headers that make the mock misbehave on purpose (tests). */
export const MOCK_HEADERS = {
  /** Answer with this HTTP status (OpenAI's error body for it); chat and model listing. */
  fail: 'x-mock-fail',
  /** The `retry-after` value sent with a forced 429/503; default '1'. */
  retryAfter: 'x-mock-retry-after',
  /** Destroy the connection after this many stream chunks. */
  cutStream: 'x-mock-cut-stream',
  /** Override latencyMs for this request (chat and model listing). */
  latencyMs: 'x-mock-latency-ms',
  /** Override chunkDelayMs for this request. */
  chunkDelayMs: 'x-mock-chunk-delay-ms',
} as const;

const RANDOM_FAILURES = [500, 503, 429];
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/**
 * A mock OpenAI-compatible model API on node:http: `POST /v1/chat/completions` (JSON and SSE) and
 * `GET /v1/models[/id]`. It validates, generates, counts tokens and fails like the real thing; see
 * libs/providers/README.md for the rules it follows.
 */
export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const behaviour: Behaviour = {
    latencyMs: Math.max(0, options.latencyMs ?? 0),
    chunkDelayMs: options.chunkDelayMs ?? Math.min(40, Math.round((options.latencyMs ?? 0) / 25)),
    failureRate: options.failureRate ?? 0,
    requireApiKey: options.requireApiKey,
    models: options.models ? new Set(options.models) : undefined,
    modelList: modelList(options.models ?? ['mock-model']),
    seed,
    random: new SeededRandom(seed ^ 0x5bd1e995),
    ids: new SeededRandom(Math.floor(Math.random() * 2 ** 32)),
    prompts: new PromptMemory(10_000),
    forcedFailure: null,
    paramsSeen: new Set(),
  };
  let connections = 0;
  let requests = 0;

  const server = createServer((req, res) => {
    requests += 1;
    handle(req, res, behaviour).catch((error: unknown) => {
      if (!res.headersSent) {
        const failure = error instanceof MockApiError ? error : failureFor(500, '1');
        sendError(res, failure);
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stats: () => ({ connections, requests, paramsSeen: [...behaviour.paramsSeen].sort() }),
    failWith: (status, retryAfterSeconds = 1) => {
      if (status !== null && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
        throw new Error(`failWith takes an HTTP error status, got ${status}`);
      }
      behaviour.forcedFailure = status === null ? null : { status, retryAfter: String(retryAfterSeconds) };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Behaviour {
  readonly latencyMs: number;
  readonly chunkDelayMs: number;
  readonly failureRate: number;
  readonly requireApiKey: string | undefined;
  readonly models: ReadonlySet<string> | undefined;
  readonly modelList: ModelList;
  readonly seed: number;
  /** Jitter, random failures and temperature variation. */
  readonly random: SeededRandom;
  readonly ids: SeededRandom;
  readonly prompts: PromptMemory;
  readonly paramsSeen: Set<string>;
  /** Set by failWith: every chat request and model listing fails like this until cleared. */
  forcedFailure: { readonly status: number; readonly retryAfter: string } | null;
}

async function handle(req: IncomingMessage, res: ServerResponse, behaviour: Behaviour): Promise<void> {
  const raw = await readBody(req);
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const method = req.method ?? 'GET';
  // The API lives under /v1; the same routes without the prefix are accepted too, as many servers do.
  const route = path.startsWith('/v1/') ? path.slice(3) : path;

  if (method === 'GET' && (route === '/models' || route.startsWith('/models/'))) {
    authorize(req, behaviour);
    failIfForced(req, behaviour);
    await delay(latencyFor(req, behaviour));
    if (res.destroyed) return;
    return sendModels(res, behaviour, route === '/models' ? undefined : decodeURIComponent(route.slice(8)));
  }
  if (method !== 'POST' || route !== '/chat/completions') throw invalidUrl(method, path);

  authorize(req, behaviour);
  failIfForced(req, behaviour);
  const body = parseJson(raw);
  if (typeof body === 'object' && body !== null)
    for (const key of Object.keys(body)) behaviour.paramsSeen.add(key);
  const request = validateChatRequest(body, behaviour.models);
  if (behaviour.failureRate > 0 && behaviour.random.next() < behaviour.failureRate) {
    await delay(latencyFor(req, behaviour));
    throw failureFor(behaviour.random.pick(RANDOM_FAILURES), '1');
  }
  await delay(latencyFor(req, behaviour));
  if (res.destroyed) return;

  const plan = planCompletion(request, {
    serverSeed: behaviour.seed,
    variation: behaviour.random.int(2 ** 32),
    ids: behaviour.ids,
    nowMs: Date.now(),
    rememberPrompt: (hash) => behaviour.prompts.remember(hash),
  });
  if (request.stream !== true) {
    return sendJson(res, 200, renderCompletion(plan));
  }
  await sendStream(
    req,
    res,
    renderStreamEvents(plan, request.stream_options?.include_usage === true, behaviour.ids),
    behaviour,
  );
}

async function sendStream(
  req: IncomingMessage,
  res: ServerResponse,
  events: readonly string[],
  behaviour: Behaviour,
): Promise<void> {
  const cutAfter = numberHeader(req, MOCK_HEADERS.cutStream);
  const chunkDelay = numberHeader(req, MOCK_HEADERS.chunkDelayMs) ?? behaviour.chunkDelayMs;
  res.writeHead(200, SSE_HEADERS);
  if (chunkDelay <= 0 && cutAfter === undefined) {
    res.end(events.join(''));
    return;
  }
  for (let i = 0; i < events.length; i += 1) {
    if (res.destroyed) return;
    if (cutAfter !== undefined && i >= cutAfter) return cut(res);
    res.write(events[i]);
    if (chunkDelay > 0 && i < events.length - 1) await delay(chunkDelay);
  }
  res.end();
}

/** Drops the connection mid-response once what was written has reached the socket. */
function cut(res: ServerResponse): void {
  res.flushHeaders();
  setTimeout(() => res.socket?.destroy(), 50).unref();
}

/** `x-mock-fail` on the request, else failWith(): the forced failure, if any. */
function failIfForced(req: IncomingMessage, behaviour: Behaviour): void {
  const forced = header(req, MOCK_HEADERS.fail);
  if (forced !== undefined && /^[1-5]\d\d$/.test(forced)) {
    throw failureFor(Number(forced), header(req, MOCK_HEADERS.retryAfter) ?? '1');
  }
  if (behaviour.forcedFailure)
    throw failureFor(behaviour.forcedFailure.status, behaviour.forcedFailure.retryAfter);
}

function authorize(req: IncomingMessage, behaviour: Behaviour): void {
  if (behaviour.requireApiKey === undefined) return;
  const auth = header(req, 'authorization');
  const presented = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
  if (presented !== behaviour.requireApiKey) throw unauthorized(presented);
}

function sendModels(res: ServerResponse, behaviour: Behaviour, id: string | undefined): void {
  if (id === undefined) return sendJson(res, 200, behaviour.modelList);
  const model = behaviour.modelList.data.find((m) => m.id === id);
  if (!model && behaviour.models) {
    throw new MockApiError(
      404,
      `The model '${id}' does not exist`,
      'invalid_request_error',
      'model',
      'model_not_found',
    );
  }
  sendJson(res, 200, model ?? { id, object: 'model', created: 1_700_000_000, owned_by: 'switchyard-mock' });
}

function modelList(ids: readonly string[]): ModelList {
  return {
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'switchyard-mock' })),
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: object,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: MockApiError): void {
  sendJson(res, error.status, error.body, error.headers);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES)
        return reject(new MockApiError(413, 'Request body too large.', 'invalid_request_error'));
      resolve(
        chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    });
    req.on('error', reject);
  });
}

function latencyFor(req: IncomingMessage, behaviour: Behaviour): number {
  const base = numberHeader(req, MOCK_HEADERS.latencyMs) ?? behaviour.latencyMs;
  return base <= 0 ? 0 : Math.round(base * (0.9 + behaviour.random.next() * 0.2));
}

/** Waits without keeping the process alive (a closed mock must not hold up a test run). */
function delay(ms: number): Promise<void> | undefined {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function numberHeader(req: IncomingMessage, name: string): number | undefined {
  const value = header(req, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
