import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { EventRelay, InMemoryRelayCheckpoints, PUBLISHED_EVENT_TYPES, TOPICS } from '@gw/messaging';
import { InMemoryPublisher, loadKafkaSchemas } from '@gw/messaging/testing';
import { silentProjectionLogger } from '@gw/projections';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { registerKeyOnlyProvider } from './support/key-only-provider';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * The relay over a log written by real gateway traffic: chat requests and a BYOK key added, rotated
 * and removed, published to an in-memory publisher (no broker: kafka-broker.e2e-spec.ts publishes to
 * a real one). Every message validates against docs/kafka, goes to its topic under its key, and no
 * form of the provider keys is in any of them.
 */
const CANARY = `kafka-canary-${randomBytes(16).toString('hex')}`;
const ROTATED = `kafka-rotated-${randomBytes(16).toString('hex')}`;
const MODEL = 'kafka-model';

describeBackends('Kafka relay over gateway traffic, into an in-memory publisher (no broker)', (backend) => {
  let gw: TestGateway;
  let upstream: MockProvider;

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    upstream = await startMockProvider({ requireApiKey: CANARY, models: [MODEL] });
    await registerKeyOnlyProvider(gw.baseUrl, gw.adminKey, {
      slug: 'kafka-own',
      name: 'kafka-own',
      upstreamUrl: upstream.url,
      model: MODEL,
      displayName: 'kafka model',
    });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('maps every request, usage and key event to an in-memory message, each valid against its schema and free of keys', async () => {
    const openai = new OpenAI({ apiKey: gw.userKey, baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
    for (let i = 0; i < 3; i++)
      await openai.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: `hi ${i}` }],
      });
    const me = request.agent(gw.baseUrl).set('authorization', `Bearer ${gw.userKey}`);
    const added = await me
      .post('/api/v1/me/keys')
      .send({ provider: 'kafka-own', apiKey: CANARY })
      .expect(201);
    const keyId = added.body.id as string;
    await openai.chat.completions.create({
      model: `kafka-own/${MODEL}`,
      messages: [{ role: 'user', content: 'byok' }],
    });
    await me.post(`/api/v1/me/keys/${keyId}/rotate`).send({ apiKey: ROTATED, validate: false }).expect(200);
    await me.delete(`/api/v1/me/keys/${keyId}`).expect(204);

    const store = gw.gateway.runtime.eventStore;
    const publisher = new InMemoryPublisher();
    const relay = new EventRelay({
      eventStore: store,
      checkpoints: new InMemoryRelayCheckpoints(),
      publisher,
      logger: silentProjectionLogger,
    });
    await relay.start();
    const logged = await store.readAll({ eventTypes: PUBLISHED_EVENT_TYPES, maxCount: 100_000 });
    await relay.waitFor(logged.at(-1)!.position);
    await relay.stop();

    const messages = publisher.broker.allMessages();
    const types = new Set(logged.map((e) => e.type));
    for (const type of [
      'RequestRouted',
      'UsageRecorded',
      'ChargeSettled',
      'CreditsGranted',
      'KeyAdded',
      'KeyRotated',
      'KeyRemoved',
    ])
      expect(types.has(type)).toBe(true);
    expect(messages).toHaveLength(logged.length);
    const schemas = loadKafkaSchemas();
    expect(messages.flatMap((m) => schemas.check(m).map((p) => `${m.topic} ${m.offset}: ${p}`))).toEqual([]);

    const usage = publisher.broker
      .messages(TOPICS.usage)
      .map((m) => JSON.parse(m.value) as { userId: string; type: string });
    // Four answers (each UsageRecorded with its ChargeSettled) and the sign-up credits.
    const mine = usage.filter((u) => u.userId === gw.userId).map((u) => u.type);
    expect(mine.filter((t) => t === 'UsageRecorded')).toHaveLength(4);
    expect(mine.filter((t) => t === 'ChargeSettled')).toHaveLength(4);
    expect(mine.filter((t) => t === 'CreditsGranted')).toHaveLength(1);
    expect(mine).toHaveLength(9);
    expect(publisher.broker.messages(TOPICS.keys).every((m) => m.key === gw.userId)).toBe(true);

    const everything = messages.map((m) => `${m.key} ${m.value} ${JSON.stringify(m.headers)}`).join('\n');
    for (const secret of [CANARY, ROTATED])
      for (let i = 0; i + 12 <= secret.length; i += 4)
        expect(everything).not.toContain(secret.slice(i, i + 12));
  }, 60_000);
});
