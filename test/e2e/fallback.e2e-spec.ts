import OpenAI from 'openai';
import request from 'supertest';
import { toRequestStreamId } from '@gw/routing';
import { manualClock } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describe('fallback when the preferred provider fails (embedded)', () => {
  let gw: TestGateway;
  // The health tracker's time (retry-after pauses) stands still until the test moves it: a pause
  // ends when the test says so, not when a slow box lets a second go by.
  const clock = manualClock();
  beforeAll(async () => {
    gw = await startTestGateway('pglite', {}, { healthClock: clock });
  });
  afterAll(() => gw?.close());
  afterEach(() => gw.gateway.runtime.mocks.get('mock-swift')!.failWith(null));

  const swift = () => gw.gateway.runtime.mocks.get('mock-swift')!;
  const client = () => new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });

  it('a 429 from the preferred provider falls back to the next one, recorded and explained', async () => {
    swift().failWith(429, 1);
    const { data, response } = await client()
      .chat.completions.create({ model: 'eco', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(response.headers.get('x-switchyard-provider')).not.toBe('mock-swift');
    const id = response.headers.get('x-switchyard-request-id')!;

    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
    expect(events.map((e) => e.type)).toEqual([
      'RequestRouted',
      'FallbackTriggered',
      'UsageRecorded',
      'ChargeSettled',
    ]);
    expect(events[0]!.data).toMatchObject({ chosenModelId: 'mock-swift/swift-mini' });
    expect(events[1]!.data).toMatchObject({
      fromModelId: 'mock-swift/swift-mini',
      toModelId: data.model,
      reason: 'rate_limited',
      status: 429,
      attempt: 1,
    });
    expect(events[2]!.data).toMatchObject({ modelId: data.model, attempts: 2 });

    await gw.waitForProjections();
    const explained = await request(gw.baseUrl)
      .get(`/api/v1/requests/${id}`)
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(explained.body).toMatchObject({
      chosenModelId: 'mock-swift/swift-mini',
      finalModelId: data.model,
      outcome: 'completed',
      fallbacks: [{ reason: 'rate_limited', status: 429 }],
    });

    // retry-after honoured: until that second is over nobody asks the provider again, even a
    // millisecond before its end
    const tracker = gw.gateway.runtime.chatContext.health;
    const calls = swift().stats().requests;
    clock.advance(999);
    expect(tracker.unavailableForMs('mock-swift')).toBe(1);
    const next = await client()
      .chat.completions.create({ model: 'eco', messages: [{ role: 'user', content: 'again' }] })
      .withResponse();
    expect(next.response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(next.response.headers.get('x-switchyard-provider')).not.toBe('mock-swift');
    expect(swift().stats().requests).toBe(calls);
    // the second is over: the pause ends (the next tests need the provider back)
    clock.advance(1);
    expect(tracker.isAvailable('mock-swift')).toBe(true);
  });

  it('a stream falls back too while nothing has reached the client', async () => {
    swift().failWith(503, 0);
    const { data: stream, response } = await client()
      .chat.completions.create({ model: 'eco', messages: [{ role: 'user', content: 'hello' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    const events = await gw.gateway.runtime.eventStore.readStream(
      toRequestStreamId(response.headers.get('x-switchyard-request-id')!),
    );
    expect(events.map((e) => e.type)).toEqual([
      'RequestRouted',
      'FallbackTriggered',
      'UsageRecorded',
      'ChargeSettled',
    ]);
    expect(events[1]!.data).toMatchObject({ reason: 'server', status: 503 });
  });

  it('a recovered provider is chosen again', async () => {
    const { response } = await client()
      .chat.completions.create({ model: 'eco', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('mock-swift');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
  });

  it('a pinned model has nowhere to fall back: 429 in OpenAI shape with retry-after', async () => {
    swift().failWith(429, 7);
    const res = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'mock-swift/swift-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'rate_limited', type: 'rate_limit_error' });
    expect(res.headers['retry-after']).toBe('7');

    // while it asked for a pause, a pinned request is answered at once, without calling it
    const before = swift().stats().requests;
    const paused = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'mock-swift/swift-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(paused.status).toBe(429);
    expect(paused.body.error.code).toBe('rate_limited');
    expect(Number(paused.headers['retry-after'])).toBeGreaterThan(0);
    expect(swift().stats().requests).toBe(before);
  });
});
