import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible.provider';
import type { ResolveAll } from '../openai-compatible/upstream-pools';
import type { ChatCompletionRequest } from '../openai-wire';
import { collect, expectNoKey, upstreamErrorOf } from '../testing/upstream-test-helpers';
import type { UpstreamTarget } from '../upstream-provider.port';
import type { UpstreamHttpOptions } from './upstream-http';

const API_KEY = 'sk-transport-0123456789abcdefSECRET';

const question: ChatCompletionRequest = { model: 'alias', messages: [{ role: 'user', content: 'hi' }] };

/** A local HTTP server that records every request it gets and answers with `handler`. */
interface FakeServer {
  readonly url: string;
  readonly port: number;
  readonly requests: { method: string; path: string; authorization: string | undefined }[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

async function fakeServer(): Promise<FakeServer> {
  const fake: Omit<FakeServer, 'url' | 'port' | 'close'> = {
    requests: [],
    handler: (_req, res) => res.end('{}'),
  };
  const server: Server = createServer((req, res) => {
    fake.requests.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => fake.handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    get handler() {
      return fake.handler;
    },
    set handler(h) {
      fake.handler = h;
    },
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const completion = JSON.stringify({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
});
const sseChunk = (content: string): string =>
  `data: ${JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })}\n\n`;

describe('UpstreamHttp transport: addresses, redirects and size caps', () => {
  let upstream: FakeServer;
  const providers: OpenAICompatibleProvider[] = [];
  const provider = (options: UpstreamHttpOptions = {}): OpenAICompatibleProvider => {
    const p = new OpenAICompatibleProvider(options);
    providers.push(p);
    return p;
  };
  const target = (baseUrl: string, extra: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
    providerSlug: 'acme',
    baseUrl,
    apiKey: API_KEY,
    upstreamModel: 'm',
    timeoutMs: 5_000,
    ...extra,
  });

  beforeEach(async () => {
    upstream = await fakeServer();
    upstream.handler = (_req, res) => res.setHeader('content-type', 'application/json').end(completion);
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await upstream.close();
  });

  describe('the address policy at connect time', () => {
    it('an admin-registered provider on loopback works (local vLLM, Ollama, the mocks)', async () => {
      const answer = await provider().complete(target(`${upstream.url}/v1`), question);
      expect(answer.choices[0]?.message.content).toBe('hello');
      expect(upstream.requests).toHaveLength(1);
    });

    it('a user-supplied URL may not reach loopback: refused before any request is sent', async () => {
      const error = await upstreamErrorOf(() =>
        provider().complete(target(`${upstream.url}/v1`, { trust: 'user' }), question),
      );
      expect(error.kind).toBe('connection');
      expect(error.upstreamMessage).toBe(
        "connection refused by the gateway's address policy: 127.0.0.1 is a loopback address, which only admin-registered providers and ALLOWED_UPSTREAM_HOSTS may use",
      );
      expectNoKey(error, API_KEY);
      expect(upstream.requests).toHaveLength(0);
    });

    it('unless the host is in ALLOWED_UPSTREAM_HOSTS', async () => {
      const allowing = provider({ allowedUpstreamHosts: new Set(['127.0.0.1']) });
      await allowing.complete(target(`${upstream.url}/v1`, { trust: 'user' }), question);
      expect(upstream.requests).toHaveLength(1);
    });

    it.each([
      'http://169.254.169.254/v1',
      'http://[::ffff:169.254.169.254]/v1',
      'http://[fe80::1]:8080/v1',
      'http://0.0.0.0:9/v1',
    ])('no one reaches %s, not even an admin', async (baseUrl) => {
      const error = await upstreamErrorOf(() => provider().complete(target(baseUrl), question));
      expect(error.kind).toBe('connection');
      expect(error.upstreamMessage).toMatch(
        /^connection refused by the gateway's address policy: .* (link-local|unspecified)/,
      );
    });

    it('checks what the name resolves to on every new connection, so DNS rebinding gets nowhere', async () => {
      const answers: LookupAddress[][] = [
        [{ address: '127.0.0.1', family: 4 }],
        [{ address: '169.254.169.254', family: 4 }],
      ];
      const asked: string[] = [];
      const resolveAll: ResolveAll = async (hostname) => {
        asked.push(hostname);
        return answers.shift() ?? [];
      };
      // Each answer closes its connection, so the second request needs a new one (and a new lookup).
      upstream.handler = (_req, res) =>
        res.setHeader('content-type', 'application/json').setHeader('connection', 'close').end(completion);
      const rebinding = provider({ resolveAll });
      const at = target(`http://rebind.test:${upstream.port}/v1`);
      await rebinding.complete(at, question);
      const error = await upstreamErrorOf(() => rebinding.complete(at, question));
      expect(asked).toEqual(['rebind.test', 'rebind.test']);
      expect(error.kind).toBe('connection');
      expect(error.upstreamMessage).toBe(
        "connection refused by the gateway's address policy: rebind.test resolves to a link-local address (169.254.0.0/16)",
      );
      expect(upstream.requests).toHaveLength(1);
    });

    it('one forbidden address among the answers refuses the connection', async () => {
      const resolveAll: ResolveAll = async () => [
        { address: '127.0.0.1', family: 4 },
        { address: 'fd00:ec2::254', family: 6 },
      ];
      const error = await upstreamErrorOf(() =>
        provider({ resolveAll }).complete(target(`http://mixed.test:${upstream.port}/v1`), question),
      );
      expect(error.upstreamMessage).toMatch(/mixed\.test resolves to a cloud metadata address$/);
      expect(upstream.requests).toHaveLength(0);
    });

    it('a name connects to exactly the address that was checked', async () => {
      const resolveAll: ResolveAll = async () => [{ address: '127.0.0.1', family: 4 }];
      const answer = await provider({ resolveAll }).complete(
        target(`http://vllm.internal.test:${upstream.port}/v1`),
        question,
      );
      expect(answer.choices[0]?.message.content).toBe('hello');
      expect(upstream.requests).toHaveLength(1);
    });

    it('the refusal never shows the base URL’s path or query', async () => {
      const error = await upstreamErrorOf(() =>
        provider().complete(target('http://169.254.169.254/secret-path/v1?token=hunter2'), question),
      );
      expect(error.message).not.toMatch(/secret-path|hunter2/);
    });
  });

  describe('redirects', () => {
    let elsewhere: FakeServer;
    beforeEach(async () => {
      elsewhere = await fakeServer();
      upstream.handler = (_req, res) =>
        res.writeHead(302, { location: `${elsewhere.url}/v1/chat/completions?stolen=1` }).end('Found');
    });
    afterEach(() => elsewhere.close());

    it.each([
      ['complete', (p: OpenAICompatibleProvider, t: UpstreamTarget) => p.complete(t, question)],
      [
        'stream',
        (p: OpenAICompatibleProvider, t: UpstreamTarget) =>
          collect(p.stream(t, { ...question, stream: true })),
      ],
      ['probe', (p: OpenAICompatibleProvider, t: UpstreamTarget) => p.probe(t)],
    ])('are not followed (%s): a server error, and the Location target gets nothing', async (_name, call) => {
      const error = await upstreamErrorOf(() => call(provider(), target(`${upstream.url}/v1`)));
      expect(error).toMatchObject({ kind: 'server', status: 302, retryable: true });
      expect(error.upstreamMessage).toBe(
        'the upstream answered with a redirect (HTTP 302), which is not followed',
      );
      expect(error.message).not.toContain(elsewhere.url);
      expect(upstream.requests).toHaveLength(1);
      expect(elsewhere.requests).toEqual([]);
    });
  });

  describe('size caps', () => {
    const big = JSON.stringify({ ...JSON.parse(completion), padding: 'x'.repeat(4_000) });

    it('a JSON answer under the cap is read whole', async () => {
      upstream.handler = (_req, res) => res.setHeader('content-type', 'application/json').end(big);
      const answer = await provider({ maxJsonBodyBytes: 8_192 }).complete(
        target(`${upstream.url}/v1`),
        question,
      );
      expect(answer.choices[0]?.message.content).toBe('hello');
    });

    it.each([
      [
        'declared by content-length',
        (res: ServerResponse) => res.setHeader('content-length', Buffer.byteLength(big)).end(big),
      ],
      [
        'sent chunked, without a length',
        (res: ServerResponse) => {
          res.write(big.slice(0, 2_000));
          setImmediate(() => res.end(big.slice(2_000)));
        },
      ],
    ])('a JSON answer over the cap (%s) is a server error', async (_how, send) => {
      upstream.handler = (_req, res) => send(res.setHeader('content-type', 'application/json'));
      const error = await upstreamErrorOf(() =>
        provider({ maxJsonBodyBytes: 1_024 }).complete(target(`${upstream.url}/v1`), question),
      );
      expect(error).toMatchObject({
        kind: 'server',
        upstreamMessage: 'the answer is larger than 1024 bytes',
      });
    });

    it('a model listing over the cap is a server error too', async () => {
      upstream.handler = (_req, res) =>
        res
          .setHeader('content-type', 'application/json')
          .end(JSON.stringify({ data: [{ id: 'x'.repeat(3_000) }] }));
      const error = await upstreamErrorOf(() =>
        provider({ maxJsonBodyBytes: 1_024 }).probe(target(`${upstream.url}/v1`)),
      );
      expect(error).toMatchObject({
        kind: 'server',
        upstreamMessage: 'the answer is larger than 1024 bytes',
      });
    });

    it('an SSE line that never ends is a server error before any output', async () => {
      upstream.handler = (_req, res) => {
        res.setHeader('content-type', 'text/event-stream');
        res.write(`data: ${'y'.repeat(3_000)}`);
        setImmediate(() => res.end('z'.repeat(3_000)));
      };
      const error = await upstreamErrorOf(() =>
        collect(
          provider({ maxStreamEventChars: 4_096 }).stream(target(`${upstream.url}/v1`), {
            ...question,
            stream: true,
          }),
        ),
      );
      expect(error).toMatchObject({
        kind: 'server',
        upstreamMessage: 'a stream event is larger than 4096 characters',
      });
    });

    it('an oversized SSE event after output is stream_interrupted', async () => {
      let firstSeen: () => void = () => undefined;
      const seenFirst = new Promise<void>((resolve) => (firstSeen = resolve));
      upstream.handler = (_req, res) => {
        res.setHeader('content-type', 'text/event-stream');
        res.write(sseChunk('first'));
        void seenFirst.then(() => res.end(`data: ${'y'.repeat(5_000)}\n\n`));
      };
      const seen: string[] = [];
      const error = await upstreamErrorOf(async () => {
        const stream = provider({ maxStreamEventChars: 4_096 }).stream(target(`${upstream.url}/v1`), {
          ...question,
          stream: true,
        });
        for await (const chunk of stream) {
          seen.push(chunk.choices[0]?.delta.content ?? '');
          firstSeen();
        }
      });
      expect(seen).toEqual(['first']);
      expect(error.kind).toBe('stream_interrupted');
      expect(error.upstreamMessage).toBe(
        'stream failed after it started: server - a stream event is larger than 4096 characters',
      );
    });

    it('a stream larger than its total cap is cut with an error', async () => {
      upstream.handler = (_req, res) => {
        res.setHeader('content-type', 'text/event-stream');
        let sent = 0;
        const more = (): void => {
          if (res.destroyed || sent++ > 200) return void res.end();
          res.write(sseChunk('z'.repeat(100)), () => setImmediate(more));
        };
        more();
      };
      const error = await upstreamErrorOf(() =>
        collect(
          provider({ maxStreamBytes: 8_192 }).stream(target(`${upstream.url}/v1`), {
            ...question,
            stream: true,
          }),
        ),
      );
      expect(error.kind).toBe('stream_interrupted');
      expect(error.upstreamMessage).toBe(
        'stream failed after it started: server - the stream is larger than 8192 bytes',
      );
    });
  });
});
