import fc from 'fast-check';
import OpenAI from 'openai';
import request from 'supertest';
import { toRequestStreamId } from '@gw/routing';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Property: whatever body a client sends to /v1/chat/completions — valid requests, the same requests
 * with fields dropped, replaced, retyped or buried in garbage, random JSON, broken JSON — the answer
 * is a 200 or a 4xx in OpenAI's error shape, never a 5xx; every 200 has its usage recorded; and the
 * gateway keeps serving. fast-check prints the seed and the smallest failing body; FUZZ_SEED and
 * FUZZ_RUNS replay or widen a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ------------------------------------------------------------------------------- valid requests

const text = fc.oneof(
  fc.constantFrom('Tell me about rail yards.', 'Say hi.', 'json please', ''),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }), // lone surrogates included
);

const textPart = text.map((t) => ({ type: 'text', text: t }));
const imagePart = fc
  .record({
    url: fc.constantFrom('https://example.com/cat.png', 'data:image/png;base64,iVBORw0KGgo='),
    detail: fc.constantFrom('auto', 'low', 'high'),
  })
  .map((image_url) => ({ type: 'image_url', image_url }));
const userContent = fc.oneof(text, fc.array(fc.oneof(textPart, imagePart), { minLength: 1, maxLength: 3 }));

const toolCall = fc
  .record({ id: fc.constantFrom('call_1', 'call_2'), name: fc.constantFrom('weather', 'time') })
  .map(({ id, name }) => ({ id, type: 'function', function: { name, arguments: '{"city":"Oslo"}' } }));

/** A conversation the mocks accept: a tool result always answers the assistant's tool call before it. */
const conversation = fc
  .record({
    system: fc.option(fc.record({ role: fc.constantFrom('system', 'developer'), content: text }), {
      nil: undefined,
    }),
    first: fc.record({ role: fc.constant('user'), content: userContent }),
    toolRound: fc.option(toolCall, { nil: undefined }),
    answer: fc.option(fc.record({ role: fc.constant('assistant'), content: text }), { nil: undefined }),
    last: fc.record({ role: fc.constant('user'), content: userContent }),
  })
  .map(({ system, first, toolRound, answer, last }) => [
    ...(system ? [system] : []),
    first,
    ...(toolRound
      ? [
          { role: 'assistant', content: null, tool_calls: [toolRound] },
          { role: 'tool', tool_call_id: toolRound.id, content: '{"temp":3}' },
        ]
      : []),
    ...(answer ? [answer] : []),
    last,
  ]);

const tool = fc.constantFrom('weather', 'time').map((name) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}));

const optionalParams = fc.record(
  {
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    max_tokens: fc.integer({ min: 1, max: 64 }),
    n: fc.integer({ min: 1, max: 2 }),
    stop: fc.oneof(fc.string({ maxLength: 5 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 })),
    seed: fc.integer(),
    presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    logit_bias: fc.dictionary(
      fc.integer({ min: 0, max: 200_000 }).map(String),
      fc.integer({ min: -100, max: 100 }),
      {
        maxKeys: 3,
      },
    ),
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), {
      maxKeys: 3,
    }),
    user: fc.string({ maxLength: 20 }),
    service_tier: fc.constantFrom('auto', 'default', 'auto', 'priority'),
    store: fc.constantFrom(false, false, true),
    power_level: fc.constantFrom('eco', 'balanced', 'precision'),
    top_k: fc.integer({ min: 1, max: 100 }), // a vendor extension: dropped, reported as ignored
  },
  { requiredKeys: [] },
);

/** Tools with a tool_choice that names one of them, or neither. */
const toolParams = fc.option(
  fc
    .record({
      tools: fc.array(tool, { minLength: 1, maxLength: 2 }),
      choice: fc.constantFrom('auto', 'none', 'required'),
    })
    .map(({ tools, choice }) => ({ tools, tool_choice: choice })),
  { nil: undefined },
);

const streaming = fc.oneof(
  fc.constant({}),
  fc.constant({ stream: false }),
  fc.record({ stream: fc.constant(true) }),
  fc.record({ stream: fc.constant(true), stream_options: fc.record({ include_usage: fc.boolean() }) }),
);

const validRequest = fc
  .record({
    model: fc.constantFrom(
      'auto',
      'auto',
      'eco',
      'precision',
      'mock-swift/swift-mini',
      'mock-sage/sage-large',
      'nope',
    ),
    messages: conversation,
    params: optionalParams,
    tools: toolParams,
    stream: streaming,
  })
  .map(
    ({ model, messages, params, tools, stream }) =>
      ({ model, messages, ...params, ...tools, ...stream }) as { [key: string]: Json },
  );

// ------------------------------------------------------------------------------------ mutations

/** Every path into a JSON value (object keys and array indices), the root excluded. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

const garbage: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    2 ** 53 + 1,
    1.5,
    '',
    '  ',
    [],
    {},
    [[]],
    [{}],
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double().map((d) => (Number.isFinite(d) ? d : 1e308)),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>({ type: 'image_url' }, { type: 'text' }, { type: 'video', url: 'x' }, [{}], {
    url: 5,
  }),
);

type Mutation =
  | { readonly op: 'drop' }
  | { readonly op: 'replace'; readonly with: Json }
  | { readonly op: 'wrap' }
  | { readonly op: 'stringify' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ op: 'drop' }),
  garbage.map((value): Mutation => ({ op: 'replace', with: value })),
  fc.constant<Mutation>({ op: 'wrap' }),
  fc.constant<Mutation>({ op: 'stringify' }),
);

function mutate(body: Json, path: ReadonlyArray<string | number>, change: Mutation): Json {
  const copy = structuredClone(body);
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return copy;
    parent = (parent as Record<string | number, Json>)[key] ?? null;
  }
  if (parent === null || typeof parent !== 'object') return copy;
  const holder = parent as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (!(key in holder)) return copy;
  if (change.op === 'drop') {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete holder[key];
  } else if (change.op === 'replace') holder[key] = change.with;
  else if (change.op === 'wrap') holder[key] = [holder[key] ?? null];
  else holder[key] = JSON.stringify(holder[key]);
  return copy;
}

const mutatedRequest = validRequest.chain((body) => {
  const paths = pathsOf(body);
  return fc
    .array(fc.tuple(fc.constantFrom(...paths), mutation), { minLength: 1, maxLength: 3 })
    .map((changes) => changes.reduce<Json>((b, [path, change]) => mutate(b, path, change), body));
});

/** What is sent: a JSON value, or raw text (possibly not JSON at all). */
type Sent = { readonly json: Json } | { readonly raw: string };

const anyBody: fc.Arbitrary<Sent> = fc.oneof(
  { weight: 3, arbitrary: validRequest.map((json): Sent => ({ json })) },
  { weight: 5, arbitrary: mutatedRequest.map((json): Sent => ({ json })) },
  {
    weight: 1,
    arbitrary: (fc.jsonValue({ maxDepth: 5 }) as fc.Arbitrary<Json>).map((json): Sent => ({ json })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 50 }),
        fc.json().map((j) => j.slice(0, Math.max(1, j.length - 1))),
      )
      .map((raw): Sent => ({ raw })),
  },
);

// ---------------------------------------------------------------------------------------- suite

describeBackends('fuzzed /v1/chat/completions bodies', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend);
  });
  afterAll(() => gw?.close());

  const statuses = new Map<number, number>();

  it(`every answer is a 200 or a 4xx in OpenAI's shape, every 200 is recorded (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (sent) => {
        const res = await request(gw.baseUrl)
          .post('/v1/chat/completions')
          .set('authorization', `Bearer ${gw.userKey}`)
          .set('content-type', 'application/json')
          .buffer(true)
          .parse((response, done) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () => done(null, body));
          })
          .send('json' in sent ? JSON.stringify(sent.json) : sent.raw);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = res.body as string;
        if (res.status !== 200) {
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          const error = (JSON.parse(text) as { error?: { message?: unknown; type?: unknown } }).error;
          expect(typeof error?.message).toBe('string');
          expect(typeof error?.type).toBe('string');
          return;
        }
        const requestId = res.headers['x-switchyard-request-id'] as string;
        expect(requestId).toBeTruthy();
        if (String(res.headers['content-type']).includes('text/event-stream')) {
          expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
        } else {
          expect((JSON.parse(text) as { object?: string }).object).toBe('chat.completion');
        }
        // strict durability: the usage is committed before the answer ends
        const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId));
        expect(events.filter((e) => e.type === 'UsageRecorded')).toHaveLength(1);
      }),
      { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) },
    );
    // The run exercised both sides of the property.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  });

  it('the gateway keeps serving after the run', async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Still there?' }],
    });
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(gw.logs()).not.toContain('"level":50'); // no error was logged: nothing became a 500
  });
});
