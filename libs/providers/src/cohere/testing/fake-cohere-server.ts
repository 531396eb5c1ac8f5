import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test headers the fake understands (send them through `UpstreamTarget.extraHeaders`). */
export const FAKE_COHERE_HEADERS = {
  /** Answer with this HTTP status and a Cohere error body (`{id, message}`). */
  fail: 'x-fake-fail',
  /** `retry-after` value sent with a forced 429 or 503 (default `7`). */
  retryAfter: 'x-fake-retry-after',
  /** Streams: destroy the socket after this many SSE events. */
  cutAfterEvents: 'x-fake-cut-after',
  /** Force the finish_reason (e.g. `ERROR`), with a message that echoes the Bearer token. */
  finish: 'x-fake-finish',
  /** `billed-only`: report usage in `billed_units` only. */
  usage: 'x-fake-usage',
} as const;

export interface FakeCohereRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A `GET` that reached the server (any path, before authentication). */
export interface FakeCohereGet {
  /** Path with its query, e.g. `/v1/models?page_size=1000`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface FakeCohereOptions {
  readonly apiKey: string;
  /** What `GET /v1/models` lists; default a chat, an embed and a rerank model. */
  readonly models?: readonly string[];
}

export interface FakeCohereServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `${url}/v2`, the base URL a target uses. */
  readonly baseUrl: string;
  /** Every chat request that passed authentication, in order. */
  readonly requests: FakeCohereRequest[];
  /** Every GET, in order (model listings, and wrong paths). */
  readonly gets: FakeCohereGet[];
  close(): Promise<void>;
}

const ALLOWED_FIELDS = new Set([
  'model',
  'messages',
  'stream',
  'tools',
  'tool_choice',
  'max_tokens',
  'temperature',
  'p',
  'k',
  'stop_sequences',
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'response_format',
  'safety_mode',
  'documents',
  'citation_options',
  'strict_tools',
  'thinking',
  'priority',
]);
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/**
 * A fake of Cohere's Chat API v2 on 127.0.0.1 (port 0): `POST /v2/chat`, Bearer auth, strict
 * validation of the body (unknown fields such as `top_p`, `stop`, `n` or lowercase `tool_choice`
 * are a 400, as are out-of-range `p` and malformed `stop_sequences`), answers and streams in Cohere's
 * format. Answers: with tools and `tool_choice: REQUIRED` (or a user message mentioning "weather"),
 * a tool call to the first tool with `{"location":"Paris"}` (every tool when the message says "all
 * tools"); otherwise the text `Cohere says: <last user text>`, cut at the first stop sequence
 * (STOP_SEQUENCE) or at `max_tokens` words (MAX_TOKENS). Usage counts words.
 *
 * `GET /v1/models` (only under v1, as Cohere serves it) lists `options.models` as
 * `{models: [{name, endpoints, …}], next_page_token?}`, paged by `page_size` (default 20, 1..1000),
 * with the same Bearer check and `x-fake-fail` header.
 */
export async function startFakeCohereServer(options: FakeCohereOptions): Promise<FakeCohereServer> {
  const requests: FakeCohereRequest[] = [];
  const gets: FakeCohereGet[] = [];
  const models = options.models ?? ['command-a-03-2025', 'embed-v4.0', 'rerank-v3.5'];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      if (req.method === 'GET') {
        gets.push({ path: req.url ?? '', headers: req.headers });
        return handleGet(req, res, options.apiKey, models);
      }
      handle(req, res, Buffer.concat(parts).toString('utf8'), options.apiKey, requests);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/v2`,
    requests,
    gets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handleGet(
  req: IncomingMessage,
  res: ServerResponse,
  apiKey: string,
  models: readonly string[],
): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  if (url.pathname !== '/v1/models') return sendError(res, 404, `path ${req.url} not found`);
  const auth = req.headers['authorization'];
  if (auth !== `Bearer ${apiKey}`) return sendError(res, 401, `invalid api token: ${String(auth ?? 'none')}`);
  const forced = Number(header(req, FAKE_COHERE_HEADERS.fail));
  if (forced >= 400) {
    const extra: Record<string, string> = {};
    if (forced === 429 || forced === 503)
      extra['retry-after'] = header(req, FAKE_COHERE_HEADERS.retryAfter) ?? '7';
    return sendError(res, forced, `forced failure ${forced} for ${auth}`, extra);
  }
  const size = Number(url.searchParams.get('page_size') ?? 20);
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    return sendError(res, 400, 'invalid request: page_size must be between 1 and 1000');
  const start = Number(url.searchParams.get('page_token') ?? 0) || 0;
  const page = models.slice(start, start + size).map((name) => ({
    name,
    endpoints: name.startsWith('embed') ? ['embed'] : name.startsWith('rerank') ? ['rerank'] : ['chat'],
    finetuned: false,
    context_length: 128_000,
    tokenizer_url: `https://storage.googleapis.com/cohere-public/tokenizers/${name}.json`,
    default_endpoints: [],
  }));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      models: page,
      ...(start + size < models.length ? { next_page_token: String(start + size) } : {}),
    }),
  );
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  text: string,
  apiKey: string,
  requests: FakeCohereRequest[],
): void {
  if (req.method !== 'POST' || req.url !== '/v2/chat')
    return sendError(res, 404, `path ${req.url} not found`);
  const auth = req.headers['authorization'];
  if (auth !== `Bearer ${apiKey}`) {
    // Echoes the token like a careless server would, so tests can check the adapter redacts it.
    return sendError(res, 401, `invalid api token: ${String(auth ?? 'none')}`);
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return sendError(res, 400, 'invalid request: body is not JSON');
  }
  requests.push({ headers: req.headers, body });

  const forced = Number(header(req, FAKE_COHERE_HEADERS.fail));
  if (forced >= 400) {
    const extra: Record<string, string> = {};
    if (forced === 429 || forced === 503)
      extra['retry-after'] = header(req, FAKE_COHERE_HEADERS.retryAfter) ?? '7';
    return sendError(res, forced, `forced failure ${forced} for ${auth}`, extra);
  }
  const problem = validate(body);
  if (problem) return sendError(res, 400, `invalid request: ${problem}`);

  const answer = plan(body, req);
  if (body['stream'] === true)
    return stream(res, answer, Number(header(req, FAKE_COHERE_HEADERS.cutAfterEvents)));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: answer.id,
      finish_reason: answer.finishReason,
      message: {
        role: 'assistant',
        ...(answer.toolCalls.length > 0
          ? { tool_plan: answer.toolPlan, tool_calls: answer.toolCalls }
          : { content: [{ type: 'text', text: answer.text }] }),
      },
      usage: answer.usage,
    }),
  );
}

interface Answer {
  id: string;
  text: string;
  toolPlan: string;
  toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  finishReason: string;
  error?: string;
  usage: Record<string, unknown>;
}

function plan(body: Record<string, unknown>, req: IncomingMessage): Answer {
  const messages = body['messages'] as Array<Record<string, unknown>>;
  const lastUser = [...messages].reverse().find((m) => m['role'] === 'user');
  const question = lastUser ? textOf(lastUser['content']) : '';
  const tools = (body['tools'] as Array<{ function: { name: string } }> | undefined) ?? [];
  const choice = body['tool_choice'];
  const callTools =
    tools.length > 0 && choice !== 'NONE' && (choice === 'REQUIRED' || /weather/i.test(question));

  let text = '';
  let finishReason = 'COMPLETE';
  const toolCalls: Answer['toolCalls'] = [];
  if (callTools) {
    const chosen = /all tools/i.test(question) ? tools : tools.slice(0, 1);
    chosen.forEach((tool, i) =>
      toolCalls.push({
        id: `call_fake_${i + 1}`,
        type: 'function',
        function: {
          name: tool.function.name,
          arguments: JSON.stringify({ location: 'Paris', unit: 'celsius' }),
        },
      }),
    );
    finishReason = 'TOOL_CALL';
  } else {
    text = `Cohere says: ${question}`;
    const stops = (body['stop_sequences'] as string[] | undefined) ?? [];
    const cuts = stops.map((s) => text.indexOf(s)).filter((i) => i >= 0);
    if (cuts.length > 0) {
      text = text.slice(0, Math.min(...cuts));
      finishReason = 'STOP_SEQUENCE';
    }
    const max = body['max_tokens'];
    const words = text.split(' ');
    if (typeof max === 'number' && words.length > max) {
      text = words.slice(0, max).join(' ');
      finishReason = 'MAX_TOKENS';
    }
  }
  const forcedFinish = header(req, FAKE_COHERE_HEADERS.finish);
  let error: string | undefined;
  if (forcedFinish) {
    finishReason = forcedFinish;
    error = `generation failed for ${String(req.headers['authorization'])}`;
  }
  const input = messages.reduce((sum, m) => sum + wordCount(textOf(m['content'])), 0);
  const output = toolCalls.length > 0 ? 12 * toolCalls.length : wordCount(text);
  const billed = { input_tokens: input, output_tokens: output };
  const usage =
    header(req, FAKE_COHERE_HEADERS.usage) === 'billed-only'
      ? { billed_units: billed }
      : { billed_units: billed, tokens: { input_tokens: input + 100, output_tokens: output + 1 } };
  return {
    id: 'c0here-0000-1111',
    text,
    toolPlan: 'I will look this up with the tool.',
    toolCalls,
    finishReason,
    error,
    usage,
  };
}

function stream(res: ServerResponse, answer: Answer, cutAfter: number): void {
  const events: Array<Record<string, unknown>> = [
    { type: 'message-start', id: answer.id, delta: { message: { role: 'assistant' } } },
  ];
  if (answer.toolCalls.length > 0) {
    for (const piece of pieces(answer.toolPlan)) {
      events.push({ type: 'tool-plan-delta', delta: { message: { tool_plan: piece } } });
    }
    answer.toolCalls.forEach((call, index) => {
      events.push({
        type: 'tool-call-start',
        index,
        delta: {
          message: {
            tool_calls: {
              id: call.id,
              type: 'function',
              function: { name: call.function.name, arguments: '' },
            },
          },
        },
      });
      for (const piece of fragments(call.function.arguments, 7)) {
        events.push({
          type: 'tool-call-delta',
          index,
          delta: { message: { tool_calls: { function: { arguments: piece } } } },
        });
      }
      events.push({ type: 'tool-call-end', index });
    });
  } else {
    events.push({
      type: 'content-start',
      index: 0,
      delta: { message: { content: { type: 'text', text: '' } } },
    });
    for (const piece of pieces(answer.text)) {
      events.push({ type: 'content-delta', index: 0, delta: { message: { content: { text: piece } } } });
    }
    events.push({ type: 'content-end', index: 0 });
  }
  events.push({
    type: 'message-end',
    delta: {
      finish_reason: answer.finishReason,
      ...(answer.error ? { error: answer.error } : {}),
      usage: answer.usage,
    },
  });

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const limit = Number.isInteger(cutAfter) && cutAfter >= 0 ? cutAfter : events.length;
  const out = events
    .slice(0, limit)
    .map((event) => `event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`)
    .join('');
  if (limit < events.length) {
    // Drop the connection mid-stream: a FIN after the written events (end, not destroy, so that they
    // are sent first), without the chunked body's terminator.
    res.write(out, () => res.socket?.end());
    return;
  }
  res.end(out);
}

function validate(body: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(body)) if (!ALLOWED_FIELDS.has(key)) return `unknown field: ${key}`;
  if (typeof body['model'] !== 'string' || body['model'].length === 0) return 'model is required';
  if (typeof body['stream'] !== 'boolean') return 'stream must be a boolean';
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array';
  for (const [i, m] of (messages as Array<Record<string, unknown>>).entries()) {
    if (!ROLES.has(String(m['role']))) return `messages[${i}].role is invalid: ${String(m['role'])}`;
    if (m['role'] === 'tool' && typeof m['tool_call_id'] !== 'string')
      return `messages[${i}].tool_call_id is required`;
    if ('name' in m) return `messages[${i}].name is not allowed`;
  }
  const tools = body['tools'];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools must be an array';
    for (const tool of tools as Array<Record<string, unknown>>) {
      const fn = tool['function'] as Record<string, unknown> | undefined;
      if (tool['type'] !== 'function' || typeof fn?.['name'] !== 'string')
        return 'tools[].function.name is required';
      if ('strict' in fn) return 'tools[].function.strict is not allowed';
    }
  }
  const choice = body['tool_choice'];
  if (choice !== undefined) {
    if (choice !== 'REQUIRED' && choice !== 'NONE')
      return `tool_choice must be REQUIRED or NONE, got ${String(choice)}`;
    if (!Array.isArray(tools) || tools.length === 0) return 'tool_choice requires tools';
  }
  const stops = body['stop_sequences'];
  if (
    stops !== undefined &&
    (!Array.isArray(stops) || stops.length > 5 || stops.some((s) => typeof s !== 'string'))
  )
    return 'stop_sequences must be an array of at most 5 strings';
  const p = body['p'];
  if (p !== undefined && (typeof p !== 'number' || p < 0.01 || p > 0.99))
    return 'p must be between 0.01 and 0.99';
  const max = body['max_tokens'];
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1))
    return 'max_tokens must be a positive integer';
  return undefined;
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ id: 'err-1234', message }));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: Record<string, unknown>) => (typeof part['text'] === 'string' ? part['text'] : ''))
      .join(' ');
  }
  return '';
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}

/** Word-sized pieces that keep their trailing spaces, so they join back to the text. */
function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function fragments(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
