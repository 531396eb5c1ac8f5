import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { registerKeyOnlyProvider } from './support/key-only-provider';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * "An auditor replays keys-<userId>, sees every change with actor and time, and the chain verifies":
 * a starter user adds, renames, disables, enables, uses and removes a provider key (a KEK rotation in
 * between); the user's own history and the auditor's replay show each change with who made it, from
 * where and when, the chain verifies, and no form of the key is in either answer.
 */

const CANARY = `audit-keys-canary-${randomBytes(16).toString('hex')}`;
const PIECE = 12;
const forms = (key: string): string[] => [
  ...Array.from({ length: key.length - PIECE + 1 }, (_, i) => key.slice(i, i + PIECE)),
  Buffer.from(key).toString('base64').slice(0, 16),
  encodeURIComponent(key),
];
const MODEL = 'audit-model';
const USER_AGENT = 'audit-keys-e2e/1.0';

interface AuditEvent {
  revision: number;
  type: string;
  occurredAt: string;
  metadata: Record<string, unknown>;
  data: Record<string, unknown>;
}

describeBackends('audit of a key history', (backend) => {
  let gw: TestGateway;
  let upstream: MockProvider;

  const as = (key: string) => ({
    get: (path: string) =>
      request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`).set('user-agent', USER_AGENT),
    post: (path: string) =>
      request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`).set('user-agent', USER_AGENT),
    patch: (path: string) =>
      request(gw.baseUrl).patch(path).set('authorization', `Bearer ${key}`).set('user-agent', USER_AGENT),
    delete: (path: string) =>
      request(gw.baseUrl).delete(path).set('authorization', `Bearer ${key}`).set('user-agent', USER_AGENT),
  });

  /** An account opened by the admin, with a gateway key. */
  const openAccount = async (
    name: string,
    tier: string,
    roles: string[],
  ): Promise<{ id: string; key: string }> => {
    const admin = as(gw.adminKey);
    const { body } = await admin.post('/api/v1/admin/users').send({ name, tier, roles }).expect(201);
    const issued = await admin
      .post(`/api/v1/admin/users/${body.id}/api-keys`)
      .send({ name: 'e2e' })
      .expect(201);
    return { id: body.id as string, key: issued.body.apiKey as string };
  };

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    upstream = await startMockProvider({ requireApiKey: CANARY, models: [MODEL] });
    await registerKeyOnlyProvider(gw.baseUrl, gw.adminKey, {
      slug: 'audit-own',
      name: 'Audit Own',
      upstreamUrl: upstream.url,
      model: MODEL,
      displayName: 'Audit model',
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('every change of a key is replayed with its actor, address and time, the chain verifies, no key shows', async () => {
    const user = await openAccount('Kay Keys', 'starter', ['user']);
    const auditor = await openAccount('Audrey Auditor', 'free', ['auditor']);
    const me = as(user.key);
    const startedAt = Date.now();

    const added = await me
      .post('/api/v1/me/keys')
      .send({ provider: 'audit-own', apiKey: CANARY, label: 'mine' })
      .expect(201);
    const keyId = added.body.id as string;
    await me.patch(`/api/v1/me/keys/${keyId}`).send({ label: 'renamed' }).expect(200);
    await me.patch(`/api/v1/me/keys/${keyId}`).send({ enabled: false }).expect(200);
    await me.patch(`/api/v1/me/keys/${keyId}`).send({ enabled: true }).expect(200);

    // A KEK rotation re-wraps the user's key too; the key keeps serving.
    const rotated = await as(gw.adminKey)
      .post('/api/v1/admin/vault/rewrap')
      .send({ addKey: backend === 'pglite' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.rewrapped).toBe(backend === 'pglite' ? 1 : 0);
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: user.key, maxRetries: 0 });
    const answer = await client.chat.completions
      .create({ model: `audit-own/${MODEL}`, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(answer.response.headers.get('x-switchyard-byok')).toBe('used');
    await me.delete(`/api/v1/me/keys/${keyId}`).expect(204);

    const history = await me.get('/api/v1/me/keys/history').expect(200);
    const replay = await as(auditor.key).get(`/api/v1/audit/streams/keys-${user.id}`).expect(200);
    for (const res of [history, replay]) {
      expect(res.body.streamId).toBe(`keys-${user.id}`);
      const events = res.body.events as AuditEvent[];
      expect(events.map((e) => e.type)).toEqual([
        'KeyAdded',
        'KeyValidated',
        'KeyLabelChanged',
        'KeyDisabled',
        'KeyEnabled',
        'KeyRemoved',
      ]);
      for (const e of events) {
        expect(e.metadata).toMatchObject({
          actorId: user.id,
          actorKind: 'user',
          sourceIp: '127.0.0.1',
          userAgent: USER_AGENT,
        });
        expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(startedAt - 1_000);
        expect(e.data).toMatchObject({ keyId });
      }
      expect(res.body.chain).toMatchObject({ verified: true, events: 6, firstBreak: null, keyedLinks: 6 });
      const leaked = forms(CANARY).filter((f) => res.text.includes(f));
      expect(leaked).toEqual([]);
    }
    // The same replay for the user and the auditor; the audit checkpointer may sign a checkpoint
    // between the two reads, so the chain's checkpoint is compared only when both have one.
    const withoutCheckpoint = (body: { chain: Record<string, unknown> }) => ({
      ...body,
      chain: { ...body.chain, checkpoint: undefined },
    });
    expect(withoutCheckpoint(replay.body)).toEqual(withoutCheckpoint(history.body));
    if (replay.body.chain.checkpoint && history.body.chain.checkpoint)
      expect(replay.body.chain.checkpoint.revision).toBeGreaterThanOrEqual(
        history.body.chain.checkpoint.revision,
      );

    const listed = await as(auditor.key).get('/api/v1/audit/streams?category=keys').expect(200);
    expect(listed.body.data).toContainEqual(
      expect.objectContaining({
        streamId: `keys-${user.id}`,
        user: expect.objectContaining({ id: user.id }),
      }),
    );
    // The auditor reads; it neither uses nor changes anyone's keys.
    await as(auditor.key).delete(`/api/v1/me/keys/${keyId}`).expect(404);
    const again = await as(auditor.key).get(`/api/v1/audit/streams/keys-${user.id}`).expect(200);
    expect(withoutCheckpoint(again.body)).toEqual(withoutCheckpoint(replay.body));
    // Another user sees only their own (empty) history; users cannot replay others' streams.
    const other = await openAccount('Otto Other', 'starter', ['user']);
    const theirs = await as(other.key).get('/api/v1/me/keys/history').expect(200);
    expect(theirs.body).toMatchObject({ streamId: `keys-${other.id}`, events: [] });
    await as(other.key).get(`/api/v1/audit/streams/keys-${user.id}`).expect(403);
  });
});
