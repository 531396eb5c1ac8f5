import OpenAI from 'openai';
import request from 'supertest';
import { toRequestStreamId } from '@gw/routing';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describeBackends('chat completions through the gateway', (backend) => {
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
  });
  afterAll(() => gw?.close());

  const say = (content: string): OpenAI.Chat.ChatCompletionMessageParam[] => [{ role: 'user', content }];

  it('answers a non-streaming request and records its route and usage before responding', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: say('Tell me about rail yards.'), temperature: 0 })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.role).toBe('assistant');
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    const requestId = response.headers.get('x-switchyard-request-id')!;
    expect(response.headers.get('x-switchyard-provider')).toMatch(/^mock-/);
    expect(response.headers.get('x-switchyard-model')).toBe(data.model);
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    // strict durability: committed before the response ended, so no waiting here
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId));
    expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'UsageRecorded', 'ChargeSettled']);
    expect(events[1]!.data).toMatchObject({
      userId: gw.userId,
      promptTokens: data.usage!.prompt_tokens,
      completionTokens: data.usage!.completion_tokens,
      streamed: false,
      outcome: 'completed',
    });
    // The charge settled against the worst case held before the upstream call.
    const charged = (events[1]!.data as { chargedMicros: string }).chargedMicros;
    expect(response.headers.get('x-switchyard-charge-micros')).toBe(charged);
    const settled = events[2]!.data as { chargedMicros: string; reservedMicros: string; month: string };
    expect(settled.chargedMicros).toBe(charged);
    expect(BigInt(settled.reservedMicros)).toBeGreaterThanOrEqual(BigInt(charged));
    expect(settled.month).toBe(new Date().toISOString().slice(0, 7));
  });

  it('streams in the OpenAI chunk format with a usage chunk, committing events before [DONE]', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'auto',
        messages: say('Stream a short answer.'),
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0,
      })
      .withResponse();
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const finishes = chunks.flatMap((c) => c.choices.filter((ch) => ch.finish_reason !== null));
    expect(finishes).toHaveLength(1);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);

    // strict: committed before [DONE] reached us
    const requestId = response.headers.get('x-switchyard-request-id')!;
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId));
    expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'UsageRecorded', 'ChargeSettled']);
    expect(events[1]!.data).toMatchObject({
      completionTokens: last.usage!.completion_tokens,
      streamed: true,
      outcome: 'completed',
      estimated: false,
    });
  });

  it('streams without a usage chunk when none was asked for', async () => {
    const stream = await client.chat.completions.create({ model: 'auto', messages: say('Hi'), stream: true });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.usage === undefined || c.usage === null)).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
  });

  it('returns tool calls when a tool is required', async () => {
    const data = await client.chat.completions.create({
      model: 'auto',
      messages: say('What is the weather in Oslo?'),
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      tool_choice: 'required',
    });
    const choice = data.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('get_weather');
    expect(typeof JSON.parse(call.function.arguments).city).toBe('string');
  });

  it('honours n', async () => {
    const data = await client.chat.completions.create({
      model: 'auto',
      messages: say('Three answers'),
      n: 3,
    });
    expect(data.choices.map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it('honours max_tokens with finish_reason length', async () => {
    const data = await client.chat.completions.create({
      model: 'auto',
      messages: say('Write a long essay about signal boxes.'),
      max_tokens: 5,
    });
    expect(data.choices[0]!.finish_reason).toBe('length');
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(5);
  });

  it('honours stop sequences', async () => {
    const first = await client.chat.completions.create({
      model: 'auto',
      messages: say('Say something long'),
      temperature: 0,
    });
    const words = first.choices[0]!.message.content!.split(' ');
    const stopWord = words[Math.min(3, words.length - 1)]!;
    const cut = await client.chat.completions.create({
      model: 'auto',
      messages: say('Say something long'),
      temperature: 0,
      stop: [stopWord],
    });
    expect(cut.choices[0]!.finish_reason).toBe('stop');
    expect(cut.choices[0]!.message.content).not.toContain(stopWord);
    expect(cut.choices[0]!.message.content!.length).toBeLessThan(first.choices[0]!.message.content!.length);
  });

  it('routes by power level: eco picks a cheaper model than precision', async () => {
    const eco = await client.chat.completions.create({ model: 'eco', messages: say('hi') }).withResponse();
    const precision = await client.chat.completions
      .create({ model: 'auto', messages: say('hi') }, { headers: { 'X-Power-Level': 'precision' } })
      .withResponse();
    const ecoModel = eco.response.headers.get('x-switchyard-model')!;
    const precisionModel = precision.response.headers.get('x-switchyard-model')!;
    expect(ecoModel).toBe('mock-swift/swift-mini');
    // Cheaper by the catalog's prices: both per-token prices of eco's choice are below precision's.
    // GET /api/v1/admin/models/{provider}/{model}: the catalog id is provider/model.
    const prices = async (id: string) =>
      (
        await request(gw.baseUrl)
          .get(
            `/api/v1/admin/models/${id.split('/')[0]}/${encodeURIComponent(id.split('/').slice(1).join('/'))}`,
          )
          .set('authorization', `Bearer ${gw.adminKey}`)
          .expect(200)
      ).body.prices as { inputPerMillionMicros: string; outputPerMillionMicros: string };
    const [cheap, dear] = [await prices(ecoModel), await prices(precisionModel)];
    expect(BigInt(cheap.inputPerMillionMicros)).toBeLessThan(BigInt(dear.inputPerMillionMicros));
    expect(BigInt(cheap.outputPerMillionMicros)).toBeLessThan(BigInt(dear.outputPerMillionMicros));
  });

  it('lists models', async () => {
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain('mock-swift/swift-mini');
    expect(ids.length).toBeGreaterThanOrEqual(3);
  });

  it('shows the caller their usage totals from the read model', async () => {
    await gw.waitForProjections();
    const before = await request(gw.baseUrl)
      .get('/api/v1/me/usage')
      .set('authorization', `Bearer ${gw.userKey}`);
    const data = await client.chat.completions.create({ model: 'auto', messages: say('Count me') });
    await gw.waitForProjections();
    const after = await request(gw.baseUrl)
      .get('/api/v1/me/usage')
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(after.status).toBe(200);
    expect(after.body.requests).toBe(before.body.requests + 1);
    expect(after.body.promptTokens).toBe(before.body.promptTokens + data.usage!.prompt_tokens);
    expect(after.body.completionTokens).toBe(before.body.completionTokens + data.usage!.completion_tokens);
    expect(typeof after.body.costMicros).toBe('string');
    expect(BigInt(after.body.costMicros)).toBeGreaterThanOrEqual(BigInt(before.body.costMicros));
  });

  it('explains a request to its owner and to an admin, and to nobody else', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'eco', messages: say('explain me') })
      .withResponse();
    const id = response.headers.get('x-switchyard-request-id')!;
    await gw.waitForProjections();
    const mine = await request(gw.baseUrl)
      .get(`/api/v1/requests/${id}`)
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      requestId: id,
      userId: gw.userId,
      requestedModel: 'eco',
      powerLevel: 'eco',
      outcome: 'completed',
      finalModelId: response.headers.get('x-switchyard-model'),
      fallbacks: [],
    });
    expect(mine.body.candidates[0]).toMatchObject({
      modelId: mine.body.chosenModelId,
      score: expect.any(Number),
    });
    expect(mine.body.candidates[0].components).toEqual({
      cost: expect.any(Number),
      latency: expect.any(Number),
      quality: expect.any(Number),
      errorPenalty: expect.any(Number),
    });
    const asAdmin = await request(gw.baseUrl)
      .get(`/api/v1/requests/${id}`)
      .set('authorization', `Bearer ${gw.adminKey}`);
    expect(asAdmin.status).toBe(200);
    const unknown = await request(gw.baseUrl)
      .get(`/api/v1/requests/${crypto.randomUUID()}`)
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ROUTING.REQUEST_NOT_FOUND');
  });

  it("hides other users' requests", async () => {
    const { response } = await new OpenAI({
      baseURL: `${gw.baseUrl}/v1`,
      apiKey: gw.adminKey,
      maxRetries: 0,
    }).chat.completions
      .create({ model: 'auto', messages: say('admin only') })
      .withResponse();
    await gw.waitForProjections();
    const res = await request(gw.baseUrl)
      .get(`/api/v1/requests/${response.headers.get('x-switchyard-request-id')}`)
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(res.status).toBe(404);
  });

  it('keeps usage per user apart', async () => {
    await gw.waitForProjections();
    const admin = await request(gw.baseUrl)
      .get('/api/v1/me/usage')
      .set('authorization', `Bearer ${gw.adminKey}`);
    expect(admin.body.requests).toBe(1); // only the admin's own request above, none of the user's
  });
});
