import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { newId } from '@gw/shared-kernel';
import { corruptStoredEvent } from './support/audit-tamper';
import { registerKeyOnlyProvider } from './support/key-only-provider';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const KEY = `sk-audit-search-${newId().replace(/-/g, '')}`;
const MODEL = 'search-model';

interface Entry {
  streamId: string;
  category: string;
  user: { id: string; name: string; username: string | null; email: string | null } | null;
}

/** The audit page's stream picker: search by name, email or id, the policy streams, paging; and the tamper helper. */
describeBackends('audit stream search', (backend) => {
  let gw: TestGateway;
  let upstream: MockProvider;
  const tag = newId().slice(0, 8);
  const users: Array<{ id: string; key: string; name: string; email: string }> = [];

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
  });
  const search = async (query: string): Promise<{ data: Entry[]; next: string | null }> =>
    (await as(gw.adminKey).get(`/api/v1/audit/streams?${query}`).expect(200)).body as {
      data: Entry[];
      next: string | null;
    };

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    upstream = await startMockProvider({ requireApiKey: KEY, models: [MODEL] });
    await registerKeyOnlyProvider(gw.baseUrl, gw.adminKey, {
      slug: `search${tag}`,
      name: 'Search Own',
      upstreamUrl: upstream.url,
      model: MODEL,
      displayName: 'Search model',
    });
    for (const who of ['Grace Hopper', 'Alan Turing', 'Grace Murray']) {
      const email = `${who.split(' ')[1]!.toLowerCase()}.${tag}@example.test`;
      const { body } = await as(gw.adminKey)
        .post('/api/v1/admin/users')
        .send({ name: `${who} ${tag}`, email, tier: 'starter' })
        .expect(201);
      const issued = await as(gw.adminKey)
        .post(`/api/v1/admin/users/${body.id}/api-keys`)
        .send({ name: 'e2e' })
        .expect(201);
      const key = issued.body.apiKey as string;
      await as(key)
        .post('/api/v1/me/keys')
        .send({ provider: `search${tag}`, apiKey: KEY, label: 'own' })
        .expect(201);
      users.push({ id: body.id as string, key, name: `${who} ${tag}`, email });
    }
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it("finds a user's key stream by part of their name or email (any case), with the account named", async () => {
    const byName = await search(`category=keys&q=${encodeURIComponent(`GRACE`)}`);
    const graces = users.filter((u) => u.name.startsWith('Grace'));
    for (const u of graces)
      expect(byName.data).toContainEqual({
        streamId: `keys-${u.id}`,
        category: 'keys',
        user: { id: u.id, name: u.name, username: null, email: u.email },
      });
    expect(byName.data.map((e) => e.streamId)).not.toContain(`keys-${users[1]!.id}`);

    const byEmail = await search(`category=keys&q=${encodeURIComponent(`turing.${tag}@`)}`);
    expect(byEmail.data.map((e) => e.streamId)).toEqual([`keys-${users[1]!.id}`]);
    expect(byEmail.next).toBeNull();

    const byId = await search(`category=keys&q=${users[2]!.id.slice(4, 16).toUpperCase()}`);
    expect(byId.data.map((e) => e.streamId)).toEqual([`keys-${users[2]!.id}`]);
    // The same search in another category finds that category's stream of the account.
    const account = await search(`category=account&q=${encodeURIComponent(users[2]!.email)}`);
    expect(account.data.map((e) => e.streamId)).toEqual([`account-${users[2]!.id}`]);
    expect((await search(`category=keys&q=nobody-${tag}`)).data).toEqual([]);
  });

  it('pages a search: the pages together are the whole answer, in id order', async () => {
    const all = (await search(`category=keys&q=${tag}`)).data.map((e) => e.streamId);
    expect(all).toHaveLength(3);
    expect([...all].sort()).toEqual(all);
    const pages: string[] = [];
    let after: string | null = null;
    do {
      const page: { data: Entry[]; next: string | null } = await search(
        `category=keys&q=${tag}&limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      pages.push(...page.data.map((e) => e.streamId));
      after = page.next;
    } while (after !== null && pages.length < 10);
    expect(pages).toEqual(all);
  });

  it('lists providers by slug and the policy streams together as `policy`', async () => {
    const providers = await search(`category=provider&q=search${tag}`);
    expect(providers.data).toEqual([{ streamId: `provider-search${tag}`, category: 'provider', user: null }]);
    // Changing the rate limits (the harness lifts them at start) wrote the rate-limit policy stream.
    const policy = await search('category=policy');
    expect(policy.data).toContainEqual({ streamId: 'rate-limit-policy', category: 'policy', user: null });
    expect(policy.data.every((e) => e.streamId.endsWith('-policy'))).toBe(true);
    const rate = await search('category=policy&q=RATE');
    expect(rate.data.map((e) => e.streamId)).toEqual(['rate-limit-policy']);
    const replay = await as(gw.adminKey).get('/api/v1/audit/streams/rate-limit-policy').expect(200);
    expect(replay.body.chain.verified).toBe(true);
  });

  it('answers a too long search with problem+json; users may not search', async () => {
    const res = await as(gw.adminKey).get(`/api/v1/audit/streams?category=keys&q=${'x'.repeat(201)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'AUDIT.INVALID_QUERY' });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    await as(users[0]!.key).get('/api/v1/audit/streams?category=keys&q=grace').expect(403);
  });

  it('corruptStoredEvent breaks the chain at that revision, and only that stream', async () => {
    const streamId = `keys-${users[0]!.id}`;
    const before = await as(gw.adminKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(before.body.chain).toMatchObject({ verified: true, firstBreak: null });
    expect(before.body.events.length).toBeGreaterThanOrEqual(2);

    await corruptStoredEvent(gw, streamId, 1);
    const after = await as(gw.adminKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(after.body.events[1].data).toMatchObject({ tamperedWith: true });
    expect(after.body.chain).toMatchObject({
      verified: false,
      firstBreak: { revision: 1, reason: 'hash_mismatch' },
    });
    const other = await as(gw.adminKey).get(`/api/v1/audit/streams/keys-${users[1]!.id}`).expect(200);
    expect(other.body.chain.verified).toBe(true);
    await expect(corruptStoredEvent(gw, streamId, 99)).rejects.toThrow(/no event/);
  });
});
