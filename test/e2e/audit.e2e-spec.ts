import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { newId } from '@gw/shared-kernel';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/** A platform key given to the admin API: it must not show up in any audit answer. */
const CANARY_KEY = 'sk-audit-canary-9f3c1e7a5b2d4c6e8a0b';

interface AuditEvent {
  revision: number;
  type: string;
  occurredAt: string;
  metadata: Record<string, unknown> & { chain?: { prev: string | null; hash: string } };
  data: unknown;
}

describeBackends('audit', (backend) => {
  let gw: TestGateway;
  let auditorKey: string;

  let auditorId: string;

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    const admin = (path: string) =>
      request(gw.baseUrl).post(path).set('authorization', `Bearer ${gw.adminKey}`);
    const created = await admin('/api/v1/admin/users')
      .set('user-agent', 'audit-e2e/admin')
      .send({ name: 'Ada Auditor', tier: 'free', roles: ['auditor'] })
      .expect(201);
    auditorId = created.body.id as string;
    const issued = await admin(`/api/v1/admin/users/${auditorId}/api-keys`)
      .send({ name: 'audit-e2e' })
      .expect(201);
    auditorKey = issued.body.apiKey as string;
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
    delete: (path: string) => request(gw.baseUrl).delete(path).set('authorization', `Bearer ${key}`),
  });

  it('replays a stream with who did what and when, and its chain verifies', async () => {
    const { body } = await as(auditorKey).get(`/api/v1/audit/streams/account-${gw.userId}`).expect(200);
    expect(body.streamId).toBe(`account-${gw.userId}`);
    const events = body.events as AuditEvent[];
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    expect(events[0]!.type).toBe('AccountOpened');
    for (const e of events) {
      expect(new Date(e.occurredAt).toISOString()).toBe(e.occurredAt);
      expect(e.metadata).toMatchObject({ actorId: expect.any(String), correlationId: expect.any(String) });
      expect(e.metadata.chain?.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(body.chain).toEqual({ verified: true, events: events.length, firstBreak: null });
  });

  it('shows which admin opened an account and issued its key, from where and when', async () => {
    const { body } = await as(auditorKey).get(`/api/v1/audit/streams/account-${auditorId}`).expect(200);
    const events = body.events as AuditEvent[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['AccountOpened', 'GatewayKeyIssued']));
    const adminId = (await as(gw.adminKey).get('/api/v1/me').expect(200)).body.id as string;
    const opened = events.find((e) => e.type === 'AccountOpened')!;
    expect(opened.metadata).toMatchObject({
      actorId: adminId,
      actorKind: 'admin',
      sourceIp: '127.0.0.1',
      userAgent: 'audit-e2e/admin',
    });
    expect(Date.now() - Date.parse(opened.occurredAt)).toBeLessThan(120_000);
    expect(body.chain).toEqual({ verified: true, events: events.length, firstBreak: null });
    // The key issued to the auditor is in no event (only its hash and masked form may be).
    const issuedKey = JSON.stringify(body);
    expect(issuedKey).not.toContain(auditorKey);
    expect(issuedKey).not.toContain(auditorKey.slice(-12));
  });

  it('records the actor, address, user agent and correlation id of an admin command, and no key', async () => {
    const slug = `audited${newId().slice(0, 8)}`;
    const created = await as(gw.adminKey)
      .post('/api/v1/admin/providers')
      .set('user-agent', 'audit-e2e/1.0')
      .send({
        slug,
        name: 'Audited AI',
        kind: 'openai-compatible',
        baseUrl: `${gw.gateway.runtime.mockUrls.get('mock-swift')}/v1`,
        apiKey: CANARY_KEY,
      })
      .expect(201);
    expect(created.status).toBe(201);

    const replay = await as(auditorKey).get(`/api/v1/audit/streams/provider-${slug}`).expect(200);
    const events = replay.body.events as AuditEvent[];
    expect(events.length).toBeGreaterThanOrEqual(1);
    // The correlation id is the gateway's request id: the access log line of that POST names it.
    const correlationId = events[0]!.metadata.correlationId as string;
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const line = gw
      .logs()
      .split('\n')
      .find((l) => l.includes(`"requestId":"${correlationId}"`) && l.includes('"msg":"request"'));
    expect(line).toContain('"path":"/api/v1/admin/providers"');
    expect(line).toContain('"status":201');
    for (const e of events)
      expect(e.metadata).toMatchObject({
        actorKind: 'admin',
        sourceIp: '127.0.0.1',
        userAgent: 'audit-e2e/1.0',
        correlationId,
      });
    expect(replay.body.chain.verified).toBe(true);
    expect(replay.text).not.toContain(CANARY_KEY);
    expect(replay.text).not.toContain(CANARY_KEY.slice(-12));
  });

  it('chains the events of a chat request (written by group commit, no read before the append)', async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        client.chat.completions
          .create({ model: 'mock-swift/swift-mini', messages: [{ role: 'user', content: 'hi' }] })
          .withResponse(),
      ),
    );
    for (const { response } of answers) {
      const requestId = response.headers.get('x-switchyard-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const { body } = await as(auditorKey).get(`/api/v1/audit/streams/request-${requestId}`).expect(200);
      const events = body.events as AuditEvent[];
      expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'UsageRecorded', 'ChargeSettled']);
      expect(
        events.every((e) => e.metadata.correlationId === requestId && e.metadata.actorId === gw.userId),
      ).toBe(true);
      expect(events[0]!.metadata.chain?.prev).toBeNull();
      expect(events[1]!.metadata.chain?.prev).toBe(events[0]!.metadata.chain?.hash);
      expect(events[2]!.metadata.chain?.prev).toBe(events[1]!.metadata.chain?.hash);
      expect(body.chain).toEqual({ verified: true, events: 3, firstBreak: null });
    }
  });

  it('lists the streams of a category a page at a time', async () => {
    const all = await as(auditorKey).get('/api/v1/audit/streams?category=account').expect(200);
    const ids = (all.body.data as Array<{ streamId: string }>).map((s) => s.streamId);
    expect(ids).toContain(`account-${gw.userId}`);
    expect(ids.every((id) => id.startsWith('account-'))).toBe(true);
    expect(all.body.next).toBeNull();

    const pages: string[] = [];
    let after: string | null = null;
    do {
      const query: string = `/api/v1/audit/streams?category=account&limit=1${after ? `&after=${after}` : ''}`;
      const page = await as(gw.adminKey).get(query).expect(200);
      pages.push(...(page.body.data as Array<{ streamId: string }>).map((s) => s.streamId));
      after = page.body.next as string | null;
    } while (after !== null && pages.length <= ids.length);
    expect(pages).toEqual(ids);
    await as(auditorKey).get('/api/v1/audit/streams?category=keys').expect(200, { data: [], next: null });
  });

  it('answers bad requests and unknown streams with problem+json', async () => {
    for (const [path, status] of [
      ['/api/v1/audit/streams', 400],
      ['/api/v1/audit/streams?category=no-dashes', 400],
      ['/api/v1/audit/streams?category=account&limit=0', 400],
      ['/api/v1/audit/streams?category=account&limit=lots', 400],
      ['/api/v1/audit/streams/nodash', 400],
      [`/api/v1/audit/streams/account-${newId()}`, 404],
    ] as const) {
      const res = await as(auditorKey).get(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('is for auditors and admins; auditors change nothing', async () => {
    await as(gw.userKey).get(`/api/v1/audit/streams/account-${gw.userId}`).expect(403);
    await as(gw.userKey).get('/api/v1/audit/streams?category=account').expect(403);
    await request(gw.baseUrl).get('/api/v1/audit/streams?category=account').expect(401);
    await as(gw.adminKey).get(`/api/v1/audit/streams/account-${gw.userId}`).expect(200);

    const writes = [
      as(auditorKey)
        .post('/api/v1/admin/providers')
        .send({ slug: 'nope', name: 'Nope', kind: 'openai-compatible' }),
      as(auditorKey).put('/api/v1/admin/routing/policy').send({}),
      as(auditorKey).delete('/api/v1/admin/providers/mock-swift'),
      as(auditorKey).post('/api/v1/admin/vault/rewrap').send({}),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('shows users their own key history (empty before their first key)', async () => {
    const { body } = await as(gw.userKey).get('/api/v1/me/keys/history').expect(200);
    expect(body.streamId).toBe(`keys-${gw.userId}`);
    expect(Array.isArray(body.events)).toBe(true);
    expect(body.chain).toMatchObject({ verified: true, firstBreak: null });
    await request(gw.baseUrl).get('/api/v1/me/keys/history').expect(401);
  });

  it('reports the revision of a stored row that was changed behind its back', async () => {
    const streamId = `account-${gw.userId}`;
    const knex = gw.gateway.runtime.knex;
    await knex.raw(
      `update events set data = jsonb_set(data::jsonb, '{displayName}', '"Mallory"')::json where stream_id = ? and stream_revision = 0`,
      [streamId],
    );
    const { body } = await as(auditorKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(body.chain).toMatchObject({
      verified: false,
      firstBreak: { revision: 0, reason: 'hash_mismatch' },
    });
  });
});
