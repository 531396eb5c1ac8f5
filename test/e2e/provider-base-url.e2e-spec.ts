import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { VAULT_SECRETS_TABLE } from '@gw/key-vault';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const FIRST_KEY = 'sk-moving-first-key-for-host-a-0001';
const SECOND_KEY = 'sk-moving-second-key-for-host-b-0002';

/** An OpenAI-compatible server on 127.0.0.1 that records the Authorization header of every request. */
interface RecordingUpstream {
  readonly url: string;
  readonly authorizations: string[];
  close(): Promise<void>;
}

async function recordingUpstream(): Promise<RecordingUpstream> {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '(none)');
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET')
        return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'm-1' }] }));
      res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 1,
          model: 'm-1',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    authorizations,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describeBackends('changing a provider’s base URL', (backend) => {
  let gw: TestGateway;
  let hostA: RecordingUpstream;
  let hostB: RecordingUpstream;
  beforeAll(async () => {
    [hostA, hostB] = await Promise.all([recordingUpstream(), recordingUpstream()]);
    gw = await startTestGateway(backend, { HEALTH_PROBE_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([hostA?.close(), hostB?.close()]);
  });

  const admin = {
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${gw.adminKey}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${gw.adminKey}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${gw.adminKey}`),
  };
  const chat = () =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'moving/m-1', messages: [{ role: 'user', content: 'hi' }] });
  const vaultRows = () => gw.gateway.runtime.knex(VAULT_SECRETS_TABLE).where({ owner_id: 'moving' });

  it('a provider with a key works at its first host', async () => {
    await admin
      .post('/api/v1/admin/providers')
      .send({
        slug: 'moving',
        name: 'Moving',
        kind: 'openai-compatible',
        baseUrl: hostA.url,
        apiKey: FIRST_KEY,
      })
      .expect(201);
    await admin
      .post('/api/v1/admin/models')
      .send({
        provider: 'moving',
        model: 'm-1',
        displayName: 'Moving M1',
        prices: { inputPerMillionMicros: '1000', outputPerMillionMicros: '2000' },
        contextWindow: 8_000,
        maxOutputTokens: 1_000,
        capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
        quality: 0.5,
        powerLevels: ['eco', 'balanced', 'precision'],
      })
      .expect(201);
    const test = await admin.post('/api/v1/admin/providers/moving/test').send({}).expect(200);
    expect(test.body).toMatchObject({ ok: true });
    await chat().expect(200);
    expect(hostA.authorizations).toEqual([`Bearer ${FIRST_KEY}`, `Bearer ${FIRST_KEY}`]);
    expect(await vaultRows()).toHaveLength(1);
  });

  it('a new base URL without a key: the key is removed and shredded, the provider needs a key', async () => {
    const moved = await admin.put('/api/v1/admin/providers/moving').send({ baseUrl: hostB.url }).expect(200);
    expect(moved.body).toMatchObject({ baseUrl: hostB.url, status: 'needs_key', platformKey: null });
    expect(await vaultRows()).toHaveLength(0);
    const events = await gw.gateway.runtime.eventStore.readStream('provider-moving');
    expect(events.map((e) => e.type).slice(-2)).toEqual(['ProviderUpdated', 'PlatformKeyRemoved']);
  });

  it('the old key never reaches the new host: not by the connection test, not by a chat request', async () => {
    const test = await admin.post('/api/v1/admin/providers/moving/test').send({}).expect(409);
    expect(test.body.code).toBe('CATALOG.NO_PLATFORM_KEY');
    const refused = await chat();
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(hostB.authorizations).toEqual([]);
  });

  it('a key given for the new host is the one it gets', async () => {
    const keyed = await admin.put('/api/v1/admin/providers/moving').send({ apiKey: SECOND_KEY }).expect(200);
    expect(keyed.body.status).toBe('active');
    await admin.post('/api/v1/admin/providers/moving/test').send({}).expect(200);
    await chat().expect(200);
    expect(hostB.authorizations).toEqual([`Bearer ${SECOND_KEY}`, `Bearer ${SECOND_KEY}`]);
    expect(hostA.authorizations.every((a) => a === `Bearer ${FIRST_KEY}`)).toBe(true);
  });

  it('moving back with a key in the same change keeps the provider active with that key', async () => {
    const back = await admin
      .put('/api/v1/admin/providers/moving')
      .send({ baseUrl: hostA.url, apiKey: FIRST_KEY })
      .expect(200);
    expect(back.body).toMatchObject({ baseUrl: hostA.url, status: 'active', platformKey: { last4: '0001' } });
    expect(await vaultRows()).toHaveLength(1);
    const before = hostA.authorizations.length;
    await chat().expect(200);
    expect(hostA.authorizations.slice(before)).toEqual([`Bearer ${FIRST_KEY}`]);
    expect(hostB.authorizations).not.toContain(`Bearer ${FIRST_KEY}`);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://[fd00:ec2::254]/v1',
    'http://[::ffff:169.254.169.254]/v1',
    'http://metadata.google.internal/computeMetadata/v1',
  ])(
    'a base URL that reaches a link-local or metadata address is a 400 naming baseUrl: %s',
    async (baseUrl) => {
      const registered = await admin
        .post('/api/v1/admin/providers')
        .send({ slug: 'metadata-thief', name: 'x', kind: 'openai-compatible', baseUrl })
        .expect(400);
      expect(registered.headers['content-type']).toContain('application/problem+json');
      expect(registered.body).toMatchObject({ status: 400, code: 'CATALOG.INVALID_SPEC' });
      expect(registered.body.detail).toMatch(/^baseUrl must not reach this address: .*(link-local|metadata)/);
      const changed = await admin.put('/api/v1/admin/providers/moving').send({ baseUrl }).expect(400);
      expect(changed.body).toMatchObject({ code: 'CATALOG.INVALID_SPEC', detail: registered.body.detail });
      const provider = await admin.get('/api/v1/admin/providers/moving').expect(200);
      expect(provider.body).toMatchObject({ baseUrl: hostA.url, status: 'active' });
    },
  );
});
