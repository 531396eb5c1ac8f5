import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AnthropicMessage, AnthropicStreamEvent, AnthropicToolUseBlock } from '../anthropic-wire';
import { checkAnthropicHeaders, checkAnthropicRequest } from './anthropic-request-checks';

/** What the fake answers to the next request (replies are used in order, then the default answer). */
export type FakeAnthropicReply =
  /** 200 with this message; for `stream: true` the documented event sequence built from it. */
  | { kind: 'message'; message: AnthropicMessage; cutAfterEvents?: number; delayMs?: number }
  /** A stream of exactly these events (for error events and odd sequences). */
  | { kind: 'events'; events: AnthropicStreamEvent[] }
  /** An Anthropic error body `{type:'error', error:{type, message}}` with this status. */
  | { kind: 'error'; status: number; errorType: string; message: string; headers?: Record<string, string> };

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export interface FakeAnthropicOptions {
  readonly apiKey: string;
  /** What `GET /v1/models` lists, newest first as Anthropic does; default two Claude models. */
  readonly models?: readonly string[];
}

export interface FakeAnthropicServer {
  /** `http://127.0.0.1:PORT`; the API root is `${url}/v1`. */
  readonly url: string;
  /** Every request that reached the server, valid or not, in order. */
  readonly requests: ReceivedRequest[];
  enqueue(...replies: FakeAnthropicReply[]): void;
  close(): Promise<void>;
}

/**
 * A fake Anthropic Messages API on 127.0.0.1 (port 0). It checks each request like Anthropic does
 * (see checkAnthropicRequest) and answers 400/401/404 with Anthropic's error body when a check fails.
 * Valid requests get the next enqueued reply, or by default a text message echoing the last user text.
 * `GET /v1/models` lists `options.models` in Anthropic's shape, paged by `limit` (default 20, 1..1000);
 * an enqueued `error` reply is used by a listing too (other replies are left for messages).
 */
export async function startFakeAnthropicServer(options: FakeAnthropicOptions): Promise<FakeAnthropicServer> {
  const models = options.models ?? ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
  const requests: ReceivedRequest[] = [];
  const queue: FakeAnthropicReply[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        body = undefined;
      }
      const path = req.url ?? '';
      const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      requests.push({ path, headers: req.headers, body: record });
      const url = new URL(path, 'http://fake');
      if (req.method === 'GET' && url.pathname === '/v1/models') {
        const headerProblem = checkAnthropicHeaders(req.headers, options.apiKey);
        if (headerProblem)
          return sendError(res, headerProblem.status, headerProblem.type, headerProblem.message);
        const next = queue[0];
        if (next?.kind === 'error') {
          queue.shift();
          return sendError(res, next.status, next.errorType, next.message, next.headers);
        }
        return listModels(res, models, url.searchParams);
      }
      const problem = checkAnthropicRequest(path, req.headers, body, options.apiKey);
      if (problem) {
        sendError(res, problem.status, problem.type, problem.message);
        return;
      }
      const reply = queue.shift() ?? { kind: 'message', message: defaultAnswer(record) };
      void answer(res, reply, record['stream'] === true);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The documented event sequence for a message: text and tool input are sent in several deltas. */
export function eventsForMessage(message: AnthropicMessage): AnthropicStreamEvent[] {
  const events: AnthropicStreamEvent[] = [
    {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...message.usage, output_tokens: 1 },
      },
    },
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text' && 'text' in block) {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of pieces(block.text)) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
    } else if (block.type === 'tool_use') {
      const tool = block as AnthropicToolUseBlock;
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} },
      });
      for (const piece of pieces(JSON.stringify(tool.input))) {
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: piece },
        });
      }
    }
    events.push({ type: 'content_block_stop', index });
    if (index === 0) events.push({ type: 'ping' });
  });
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { output_tokens: message.usage.output_tokens },
    },
    { type: 'message_stop' },
  );
  return events;
}

/** A text answer: "You said: <last user text>". */
export function defaultAnswer(request: Record<string, unknown>): AnthropicMessage {
  const messages = Array.isArray(request['messages'])
    ? (request['messages'] as Array<Record<string, unknown>>)
    : [];
  const last = messages.at(-1)?.['content'];
  const text =
    typeof last === 'string'
      ? last
      : Array.isArray(last)
        ? (last as Array<Record<string, unknown>>)
            .map((b) => (typeof b['text'] === 'string' ? b['text'] : ''))
            .join('')
        : '';
  const answer = `You said: ${text}`;
  return {
    id: 'msg_fake_default',
    type: 'message',
    role: 'assistant',
    model: String(request['model']),
    content: [{ type: 'text', text: answer }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: answer.split(' ').length },
  };
}

async function answer(res: ServerResponse, reply: FakeAnthropicReply, stream: boolean): Promise<void> {
  if (reply.kind === 'error') {
    sendError(res, reply.status, reply.errorType, reply.message, reply.headers);
    return;
  }
  if (reply.kind === 'message' && reply.delayMs)
    await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  if (res.destroyed) return;
  if (reply.kind === 'message' && !stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
    res.end(JSON.stringify(reply.message));
    return;
  }
  const events = reply.kind === 'events' ? reply.events : eventsForMessage(reply.message);
  const cutAfter = reply.kind === 'message' ? reply.cutAfterEvents : undefined;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (const [i, event] of events.entries()) {
    if (cutAfter !== undefined && i >= cutAfter) {
      // Drop the connection mid-stream: a FIN after the written events (end, not destroy, so that they
      // are sent first), without the chunked body's terminator.
      res.socket?.end();
      return;
    }
    const text = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    // Two writes per event, so events also arrive split across reads.
    const half = Math.floor(text.length / 2);
    res.write(text.slice(0, half));
    res.write(text.slice(half));
  }
  res.end();
}

/** Anthropic's model list: `{data: [{type, id, display_name, created_at}], has_more, first_id, last_id}`. */
function listModels(res: ServerResponse, models: readonly string[], query: URLSearchParams): void {
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return sendError(res, 400, 'invalid_request_error', 'limit: Input should be between 1 and 1000');
  }
  const data = models.slice(0, limit).map((id, i) => ({
    type: 'model',
    id,
    display_name: id.replace(/-\d{8}$/, ''),
    created_at: new Date(Date.UTC(2025, 9, 1) - i * 86_400_000).toISOString(),
  }));
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake_models' });
  res.end(
    JSON.stringify({
      data,
      has_more: models.length > limit,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    }),
  );
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

function pieces(text: string): string[] {
  if (text.length < 3) return [text];
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)].filter(
    (p) => p.length > 0,
  );
}
