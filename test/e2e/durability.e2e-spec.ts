import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { toRequestStreamId } from '@gw/routing';
import { eventually } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const chat = (gw: TestGateway, body: Record<string, unknown>) =>
  request(gw.baseUrl).post('/v1/chat/completions').set('authorization', `Bearer ${gw.userKey}`).send(body);

const hi = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

describe('durability and failure recording (embedded)', () => {
  it('relaxed: answers first, then commits; a clean shutdown loses nothing', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-relaxed-'));
    try {
      const gw = await startTestGateway('pglite', { DURABILITY: 'relaxed', DATA_DIR: dataDir });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await chat(gw, hi).expect(200)).headers['x-switchyard-request-id']);
      await gw.gateway.close(); // flushes the group-commit writer

      const again = await startTestGateway('pglite', { DATA_DIR: dataDir });
      try {
        for (const id of ids) {
          const events = await again.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
          expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'UsageRecorded', 'ChargeSettled']);
        }
      } finally {
        await again.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('survives a restart: same keys, same usage, no second bootstrap', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-restart-'));
    try {
      const first = await startTestGateway('pglite', { DATA_DIR: dataDir });
      await chat(first, hi).expect(200);
      await first.waitForProjections();
      const usage = (
        await request(first.baseUrl).get('/api/v1/me/usage').set('authorization', `Bearer ${first.userKey}`)
      ).body;
      await first.gateway.close();

      const second = await startTestGateway('pglite', { DATA_DIR: dataDir });
      try {
        expect(second.gateway.credentials?.created).toBeUndefined();
        expect(second.userKey).toBe(first.userKey);
        expect(second.gateway.runtime.directory.accountCount()).toBe(2);
        const after = await request(second.baseUrl)
          .get('/api/v1/me/usage')
          .set('authorization', `Bearer ${second.userKey}`);
        expect(after.status).toBe(200);
        expect(after.body).toEqual(usage);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('when every provider fails: 503 in OpenAI shape, fallback hops and the failure are recorded', async () => {
    // Every provider answers 503 (MOCK_FAILURE_RATE=1 picked 500, 503 or 429 at random: when every
    // attempt drew a 429 the answer was a 429, rate_limited — right, but not this test's case).
    const gw = await startTestGateway('pglite');
    for (const mock of gw.gateway.runtime.mocks.values()) mock.failWith(503);
    try {
      const res = await chat(gw, { ...hi, model: 'balanced' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('upstream_unavailable');
      const id = res.headers['x-switchyard-request-id'];
      const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('RequestRouted');
      expect(types[types.length - 1]).toBe('RequestFailed');
      const hops = events.filter((e) => e.type === 'FallbackTriggered');
      expect(hops.length).toBe(
        Number((events[events.length - 1]!.data as { attempts: number }).attempts) - 1,
      );
      expect(hops.length).toBeGreaterThan(0);
      await gw.waitForProjections();
      const usage = await request(gw.baseUrl)
        .get('/api/v1/me/usage')
        .set('authorization', `Bearer ${gw.userKey}`);
      expect(usage.body).toMatchObject({ requests: 1, failedRequests: 1, costMicros: '0' });
      const explained = await request(gw.baseUrl)
        .get(`/api/v1/requests/${id}`)
        .set('authorization', `Bearer ${gw.userKey}`);
      expect(explained.body).toMatchObject({ outcome: 'failed', failure: { status: 503 } });
      expect(explained.body.fallbacks).toHaveLength(hops.length);
    } finally {
      await gw.close();
    }
  });

  it('a client that walks away mid-stream still has its usage recorded, as interrupted', async () => {
    const gw = await startTestGateway('pglite', { MOCK_LATENCY_MS: '400' });
    try {
      const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
      const controller = new AbortController();
      const { data: stream, response } = await client.chat.completions
        .create(
          {
            model: 'mock-sage/sage-large',
            messages: [{ role: 'user', content: 'Write a long story about trains.' }],
            stream: true,
          },
          { signal: controller.signal },
        )
        .withResponse();
      const id = response.headers.get('x-switchyard-request-id')!;
      let seen = 0;
      try {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta.content) seen += 1;
          if (seen === 2) controller.abort();
        }
      } catch {
        // aborted on purpose
      }
      const events = await eventually(
        async () => {
          const stream = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
          return stream.length >= 2 ? stream : undefined;
        },
        10_000,
        "the interrupted request's UsageRecorded",
        10,
      );
      expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'UsageRecorded', 'ChargeSettled']);
      expect(events[1]!.data).toMatchObject({ outcome: 'interrupted', streamed: true, estimated: true });
      expect((events[1]!.data as { completionTokens: number }).completionTokens).toBeGreaterThan(0);
    } finally {
      await gw.close();
    }
  });
});
