import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { toRequestStreamId } from '@gw/routing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * DURABILITY=strict: an answer whose events cannot be committed is not delivered as a success. The
 * store is made to refuse for real: a trigger on the events table raises on every insert (what a full
 * disk or a lost tablespace looks like to the writer), and dropping it heals the store.
 */
describeBackends('strict durability when the event store refuses every write', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend, { DURABILITY: 'strict', HEALTH_PROBE_INTERVAL_MS: '0' });
    // The user's sign-up credits are granted (an append) before the store is made to refuse.
    await request(gw.baseUrl)
      .get('/api/v1/me/credits')
      .set('authorization', `Bearer ${gw.userKey}`)
      .expect(200);
  });
  afterAll(() => gw?.close());

  const knex = () => gw.gateway.runtime.knex;
  const refuseAppends = async () => {
    await knex().raw(
      `create or replace function refuse_appends() returns trigger language plpgsql as $$
         begin raise exception 'could not extend file: No space left on device'; end $$`,
    );
    await knex().raw(
      'create trigger refuse_appends before insert on events for each statement execute function refuse_appends()',
    );
  };
  const acceptAppends = () => knex().raw('drop trigger if exists refuse_appends on events');
  afterEach(acceptAppends);

  const body = (stream: boolean) => ({
    model: 'auto',
    messages: [{ role: 'user', content: 'Tell me a story about a lighthouse.' }],
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  });
  const eventTypes = async (requestId: string) =>
    (await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId))).map((e) => e.type);

  it("a new user's first request while the store refuses: 503 credits_unavailable (the sign-up credits could not be written), not a 500", async () => {
    const admin = (p: string) => request(gw.baseUrl).post(p).set('authorization', `Bearer ${gw.adminKey}`);
    const created = await admin('/api/v1/admin/users')
      .send({ name: 'Newcomer', tier: 'starter' })
      .expect(201);
    const key = await admin(`/api/v1/admin/users/${created.body.id}/api-keys`)
      .send({ name: 'k' })
      .expect(201);
    await refuseAppends();
    const res = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key.body.apiKey}`)
      .send(body(false));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.error).toMatchObject({ code: 'credits_unavailable', type: 'api_error' });
    await acceptAppends();
    await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key.body.apiKey}`)
      .send(body(false))
      .expect(200);
  });

  it('a non-streamed request answers 503 usage_not_recorded in OpenAI shape, never a 200', async () => {
    await refuseAppends();
    const res = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send(body(false));

    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: {
        message: expect.any(String),
        type: 'api_error',
        code: 'usage_not_recorded',
        param: null,
      },
    });
    expect(JSON.stringify(res.body)).not.toContain('No space left'); // the store's error stays in the log
    expect(gw.logs()).toContain('could not record request events');
    expect(await eventTypes(res.headers['x-switchyard-request-id'])).toEqual([]);
  });

  it('a stream ends with a usage_not_recorded error event instead of data: [DONE]', async () => {
    await refuseAppends();
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body(true)),
    });
    const text = await res.text();

    expect(res.status).toBe(200); // the first chunk went out before the end was known
    const events = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice('data: '.length));
    expect(events.length).toBeGreaterThan(1);
    expect(events).not.toContain('[DONE]');
    expect(events.some((e) => e.includes('"usage"'))).toBe(false); // no usage chunk either
    expect(JSON.parse(events[events.length - 1]!)).toEqual({
      error: { message: expect.any(String), type: 'api_error', code: 'usage_not_recorded', param: null },
    });
    expect(await eventTypes(res.headers.get('x-switchyard-request-id')!)).toEqual([]);
  });

  it('the official client sees that stream fail, not finish', async () => {
    await refuseAppends();
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Tell me a story about a lighthouse.' }],
      stream: true,
    });
    const consume = async () => {
      let chunks = 0;
      for await (const _chunk of stream) chunks += 1;
      return chunks;
    };
    await expect(consume()).rejects.toMatchObject({ code: 'usage_not_recorded' });
  });

  it('once the store takes writes again, requests succeed and are recorded', async () => {
    await refuseAppends();
    const refused = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send(body(false));
    expect(refused.status).toBe(503);

    await acceptAppends();
    const json = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send(body(false));
    expect(json.status).toBe(200);
    expect(json.body.usage.completion_tokens).toBeGreaterThan(0);
    const streamed = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body(true)),
    });
    expect((await streamed.text()).endsWith('data: [DONE]\n\n')).toBe(true);

    expect(await eventTypes(json.headers['x-switchyard-request-id'])).toEqual([
      'RequestRouted',
      'UsageRecorded',
      'ChargeSettled',
    ]);
    expect(await eventTypes(streamed.headers.get('x-switchyard-request-id')!)).toEqual([
      'RequestRouted',
      'UsageRecorded',
      'ChargeSettled',
    ]);
    expect(await eventTypes(refused.headers['x-switchyard-request-id'])).toEqual([]);
  });
});
