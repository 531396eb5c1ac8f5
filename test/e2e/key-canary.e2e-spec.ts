import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * The key canary: an upstream that echoes the key it received — whole, in 8-character pieces, in
 * header-shaped text, base64-encoded, as a `key=` parameter, in its response headers — in its 400,
 * 401 and 500 answers (JSON and plain text) and in an error event inside a stream. Whatever the
 * gateway relays, records or logs, no piece of any key may come out: not in a response body or
 * header, a log line, an event in the store, nor a request explanation.
 */

const PIECE = 8;
const pieces = (key: string): string[] =>
  Array.from({ length: key.length - PIECE + 1 }, (_, i) => key.slice(i, i + PIECE));

const alnum = (n: number): string =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);

/** One platform key per wire format, each in its vendor's shape (and one without any known shape). */
const KEYS = {
  'openai-compatible': `sk-proj-${randomBytes(20).toString('hex')}`,
  anthropic: `sk-ant-api03-${randomBytes(30).toString('base64url')}`,
  gemini: `AIza${randomBytes(27).toString('base64url').slice(0, 35)}`,
  cohere: alnum(40),
} as const;
type Kind = keyof typeof KEYS;
const KINDS = Object.keys(KEYS) as Kind[];
/** Tried with the connection test's `apiKey` before it is saved: the key in force then. */
const TRIED_KEY = `tried-${alnum(30)}`;
const ALL_KEYS = [...Object.values(KEYS), TRIED_KEY];

/** Where each kind's API root is on the fake server (Gemini and Cohere version their paths differently). */
const BASE_PATH: Record<Kind, string> = {
  'openai-compatible': '/v1',
  anthropic: '/v1',
  gemini: '/v1beta',
  cohere: '/v2',
};

/** Everything an upstream could do to give the key away. */
const echo = (key: string): string =>
  [
    `Incorrect API key provided: ${key}.`,
    `Pieces: ${pieces(key).join(' ')}.`,
    `Authorization: Bearer ${key}; x-api-key: ${key}; x-goog-api-key: ${key}`,
    `base64 ${Buffer.from(key).toString('base64')} / ${Buffer.from(`Bearer ${key}`).toString('base64url')}`,
    `retry at https://api.example.test/v1/models?key=${key}&alt=sse`,
  ].join(' ');

function keyOf(req: IncomingMessage): string {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'];
  const param = new URL(req.url!, 'http://x').searchParams.get('key');
  return bearer ?? (typeof header === 'string' ? header : undefined) ?? param ?? '(no key)';
}

interface EchoUpstream {
  readonly url: string;
  /** What the next model listing (connection test) answers. */
  probeStatus: number;
  /** `${key} ${status}` of every request that carried a key. */
  readonly seen: string[];
  close(): Promise<void>;
}

async function echoUpstream(): Promise<EchoUpstream> {
  const state = { probeStatus: 401, seen: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (piece: string) => (body += piece));
    req.on('end', () => {
      const key = keyOf(req);
      const asked = /status:(\d{3}|sse)/.exec(body)?.[1];
      const status = req.method === 'GET' ? String(state.probeStatus) : (asked ?? '500');
      state.seen.push(`${key} ${status}`);
      const headers = {
        'x-echo-key': key,
        'www-authenticate': `Bearer realm="canary", key="${key}"`,
        [`x-echo-${key
          .slice(0, 12)
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, '-')}`]: key.slice(8, 24),
      };
      if (status === 'sse') {
        res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
        const chunk = {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'echo-1',
          choices: [{ index: 0, delta: { content: 'partial answer' }, finish_reason: null }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        return void res.end(
          `data: ${JSON.stringify({ error: { message: echo(key), type: 'server_error' } })}\n\n`,
        );
      }
      if (status === '500')
        return void res
          .writeHead(500, { ...headers, 'content-type': 'text/plain' })
          .end(`Internal error. ${echo(key)}`);
      res.writeHead(Number(status), { ...headers, 'content-type': 'application/json' }).end(
        JSON.stringify({
          type: 'error',
          error: {
            message: echo(key),
            type: 'invalid_request_error',
            param: null,
            code: 'canary',
            status: 'INVALID_ARGUMENT',
          },
          echoed: { key, authorization: `Bearer ${key}` },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get probeStatus() {
      return state.probeStatus;
    },
    set probeStatus(status: number) {
      state.probeStatus = status;
    },
    seen: state.seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Every piece of every key found in `text` (empty when the text is clean). */
const leaks = (text: string): string[] =>
  ALL_KEYS.flatMap((key) => pieces(key).filter((piece) => text.includes(piece)));

describeBackends('key canary', (backend) => {
  let gw: TestGateway;
  let upstream: EchoUpstream;
  /** Every response the client got: status line, headers and body, as text. */
  const responses: string[] = [];
  const requestIds: string[] = [];

  beforeAll(async () => {
    upstream = await echoUpstream();
    gw = await startTestGateway(backend, { HEALTH_PROBE_INTERVAL_MS: '0' });
    for (const kind of KINDS) {
      const slug = `canary-${kind === 'openai-compatible' ? 'openai' : kind}`;
      await admin()
        .post('/api/v1/admin/providers')
        .send({ slug, name: slug, kind, baseUrl: `${upstream.url}${BASE_PATH[kind]}`, apiKey: KEYS[kind] })
        .expect(201);
      await admin()
        .post('/api/v1/admin/models')
        .send({
          provider: slug,
          model: 'echo-1',
          displayName: `Echo (${kind})`,
          prices: { inputPerMillionMicros: '1000', outputPerMillionMicros: '2000' },
          contextWindow: 32_000,
          maxOutputTokens: 1_000,
          capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
          quality: 0.5,
          powerLevels: ['eco', 'balanced', 'precision'],
        })
        .expect(201);
    }
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  function admin() {
    return {
      post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${gw.adminKey}`),
    };
  }
  const slugOf = (kind: Kind): string => `canary-${kind === 'openai-compatible' ? 'openai' : kind}`;
  const record = (res: request.Response): request.Response => {
    responses.push(`${res.status}\n${JSON.stringify(res.headers)}\n${res.text}`);
    const id = res.headers['x-switchyard-request-id'];
    if (typeof id === 'string') requestIds.push(id);
    return res;
  };
  const chat = async (kind: Kind, status: string, stream: boolean) =>
    record(
      await request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({
          model: `${slugOf(kind)}/echo-1`,
          messages: [{ role: 'user', content: `status:${status}` }],
          ...(stream && { stream: true }),
        }),
    );

  it.each(KINDS)(
    '%s: chat requests answered 400, 401 and 500 (JSON and streamed) give no key away',
    async (kind) => {
      for (const stream of [false, true]) {
        for (const status of ['400', '401', '500']) {
          const res = await chat(kind, status, stream);
          expect(res.status).not.toBe(500);
          expect(leaks(responses[responses.length - 1]!)).toEqual([]);
          // The upstream's own words reach the client for its 400 (the caller's fault), scrubbed.
          if (status === '400' && !stream) expect(res.body.error.message).toContain('[REDACTED]');
        }
      }
      for (const status of ['400', '401', '500']) expect(upstream.seen).toContain(`${KEYS[kind]} ${status}`);
    },
  );

  it('an error event inside a stream, after output, gives no key away', async () => {
    const res = await chat('openai-compatible', 'sse', true);
    expect(res.status).toBe(200);
    expect(res.text).toContain('partial answer');
    expect(leaks(responses[responses.length - 1]!)).toEqual([]);
    expect(upstream.seen).toContain(`${KEYS['openai-compatible']} sse`);
  });

  it.each(KINDS)(
    '%s: the admin connection test answered 400, 401 and 500 gives no key away',
    async (kind) => {
      for (const status of [400, 401, 500]) {
        upstream.probeStatus = status;
        const saved = record(
          await admin()
            .post(`/api/v1/admin/providers/${slugOf(kind)}/test`)
            .send({}),
        );
        expect(saved.status).toBe(200);
        expect(saved.body).toMatchObject({ ok: false, error: { status } });
        expect(saved.body.error.message).toContain('[REDACTED]');
        const tried = record(
          await admin()
            .post(`/api/v1/admin/providers/${slugOf(kind)}/test`)
            .send({ apiKey: TRIED_KEY }),
        );
        expect(tried.body).toMatchObject({ ok: false, error: { status } });
        expect(upstream.seen).toContain(`${KEYS[kind]} ${status}`);
        expect(upstream.seen).toContain(`${TRIED_KEY} ${status}`);
      }
      expect(leaks(responses.join('\n'))).toEqual([]);
    },
  );

  it('no key in any log line, any event in the store, or any request explanation', async () => {
    expect(requestIds.length).toBeGreaterThanOrEqual(KINDS.length * 6);
    await gw.gateway.runtime.writer.flush();
    await gw.waitForProjections();
    const explanations: string[] = [];
    for (const id of requestIds) {
      const res = await request(gw.baseUrl)
        .get(`/api/v1/requests/${id}`)
        .set('authorization', `Bearer ${gw.userKey}`)
        .expect(200);
      explanations.push(res.text);
    }
    const events = await gw.gateway.runtime.eventStore.readAll();
    expect(events.some((e) => e.type === 'RequestFailed')).toBe(true);
    expect(leaks(explanations.join('\n'))).toEqual([]);
    expect(leaks(JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)))).toEqual(
      [],
    );
    expect(gw.logs().length).toBeGreaterThan(0);
    expect(leaks(gw.logs())).toEqual([]);
    expect(leaks(responses.join('\n'))).toEqual([]);
  });
});
