import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { toRequestStreamId, type UsageRecorded } from '@gw/routing';
import { eventually } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

type Usage = UsageRecorded['data'];
interface ByUserRow {
  userId: string;
  name: string | null;
  username: string | null;
  deleted: boolean;
  requests: number;
  totalTokens: number;
  providerCostMicros: string;
  chargedMicros: string;
  marginMicros: string;
  marginRate: number | null;
  shareOfCharge: number;
}

const sum = (xs: readonly Usage[], f: (u: Usage) => string | number): bigint =>
  xs.reduce((a, u) => a + BigInt(f(u)), 0n);

/** The by-user row these UsageRecorded events must give. */
const expectedRow = (xs: readonly Usage[]) => {
  const charged = sum(xs, (u) => u.chargedMicros);
  const cost = sum(xs, (u) => u.providerCostMicros);
  return {
    requests: xs.length,
    totalTokens: Number(sum(xs, (u) => u.promptTokens) + sum(xs, (u) => u.completionTokens)),
    providerCostMicros: cost.toString(),
    chargedMicros: charged.toString(),
    marginMicros: (charged - cost).toString(),
  };
};

/** GET /api/v1/admin/usage/by-user (top spenders) and the admin export across every user. */
describeBackends('admin usage: by user, margin, export', (backend) => {
  let gw: TestGateway;
  let other: { id: string; name: string; apiKey: string };
  const mine: Usage[] = [];
  const theirs: Usage[] = [];
  const ghostUser = `gone-${randomUUID()}`;
  let ghost: Usage;

  const get = (path: string, key = gw.adminKey) =>
    request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`);

  async function chat(key: string, into: Usage[]): Promise<void> {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: `Hello ${randomUUID()}` }] })
      .withResponse();
    const id = response.headers.get('x-switchyard-request-id')!;
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
    const usage = events.find((e) => e.type === 'UsageRecorded');
    if (!usage) throw new Error(`no UsageRecorded for ${id}`);
    into.push(usage.data as Usage);
  }

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    const name = `Spender ${randomUUID().slice(0, 8)}`;
    const created = await request(gw.baseUrl)
      .post('/api/v1/admin/users')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send({ name, tier: 'professional' })
      .expect(201);
    const key = await request(gw.baseUrl)
      .post(`/api/v1/admin/users/${created.body.id}/api-keys`)
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send({ name: 'spend' })
      .expect(201);
    other = { id: created.body.id as string, name, apiKey: key.body.apiKey as string };
    for (let i = 0; i < 2; i++) await chat(gw.userKey, mine);
    for (let i = 0; i < 4; i++) await chat(other.apiKey, theirs);
    // Usage of an account that no longer exists (or never did here): it keeps its row, unnamed.
    ghost = {
      ...mine[0]!,
      requestId: randomUUID(),
      userId: ghostUser,
      providerCostMicros: '3000000',
      chargedMicros: '2000000',
    };
    await gw.gateway.runtime.eventStore.append({
      streamId: toRequestStreamId(ghost.requestId),
      events: [
        {
          id: randomUUID(),
          type: 'UsageRecorded',
          version: 1,
          data: ghost,
          metadata: { correlationId: ghost.requestId, actorId: ghostUser },
          occurredAt: new Date(),
        },
      ],
    });
    await gw.waitForProjections();
    await eventually(
      async () => {
        const res = await get('/api/v1/admin/usage/summary');
        return res.body.requests === mine.length + theirs.length + 1 ? res.body : undefined;
      },
      20_000,
      'every request in the admin summary',
    );
  });
  afterAll(() => gw?.close());

  it('gives each user requests, tokens, cost, charge and margin, most charged first, named', async () => {
    const res = await get('/api/v1/admin/usage/by-user').expect(200);
    const rows = res.body.data as ByUserRow[];
    expect(res.body.totalUsers).toBe(3);
    expect(rows.map((r) => r.userId).sort()).toEqual([gw.userId, other.id, ghostUser].sort());
    const charges = rows.map((r) => BigInt(r.chargedMicros));
    expect(charges).toEqual([...charges].sort((a, b) => (a === b ? 0 : a < b ? 1 : -1)));
    const row = (id: string) => rows.find((r) => r.userId === id)!;
    expect(row(other.id)).toMatchObject({ ...expectedRow(theirs), name: other.name, deleted: false });
    expect(row(gw.userId)).toMatchObject({ ...expectedRow(mine), name: expect.any(String), deleted: false });
    expect(row(ghostUser)).toMatchObject({
      ...expectedRow([ghost]),
      marginMicros: '-1000000',
      marginRate: -0.5,
      name: null,
      deleted: true,
    });
    const theirCharge = BigInt(row(other.id).chargedMicros);
    if (theirCharge > 0n)
      expect(row(other.id).marginRate).toBeCloseTo(
        Number(BigInt(row(other.id).marginMicros)) / Number(theirCharge),
        5,
      );
  });

  it('adds up to the summary (cost, charge, requests) for every user together', async () => {
    const [byUser, summary] = await Promise.all([
      get('/api/v1/admin/usage/by-user').expect(200),
      get('/api/v1/admin/usage/summary').expect(200),
    ]);
    const rows = byUser.body.data as ByUserRow[];
    expect(rows.reduce((a, r) => a + r.requests, 0)).toBe(summary.body.requests);
    expect(rows.reduce((a, r) => a + BigInt(r.chargedMicros), 0n).toString()).toBe(
      summary.body.chargedMicros,
    );
    expect(rows.reduce((a, r) => a + BigInt(r.providerCostMicros), 0n).toString()).toBe(
      summary.body.providerCostMicros,
    );
    expect(rows.reduce((a, r) => a + r.shareOfCharge, 0)).toBeCloseTo(1, 4);
  });

  it('reads the same from whole days (rollups) as from the partial edges (facts)', async () => {
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const tomorrow = new Date(now + 86_400_000).toISOString().slice(0, 10);
    const hourAgo = new Date(now - 3_600_000).toISOString();
    const soon = new Date(now + 60_000).toISOString();
    const whole = await get(`/api/v1/admin/usage/by-user?from=${today}&to=${tomorrow}`).expect(200);
    const edges = await get(`/api/v1/admin/usage/by-user?from=${hourAgo}&to=${soon}`).expect(200);
    expect(whole.body.data).toEqual(edges.body.data);
    expect(whole.body.totalUsers).toBe(3);
  });

  it('keeps the top `limit` spenders; a limit out of 1..100 or an unknown parameter is a 400', async () => {
    const all = await get('/api/v1/admin/usage/by-user').expect(200);
    const top = await get('/api/v1/admin/usage/by-user?limit=1').expect(200);
    expect(top.body.totalUsers).toBe(3);
    expect(top.body.data).toEqual([all.body.data[0]]);
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'userId=x', 'from=yesterday']) {
      const res = await get(`/api/v1/admin/usage/by-user?${q}`).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(typeof res.body.code).toBe('string');
    }
  });

  it('is for admins only', async () => {
    await get('/api/v1/admin/usage/by-user', gw.userKey).expect(403);
    await request(gw.baseUrl).get('/api/v1/admin/usage/by-user').expect(401);
  });

  it('exports every user’s requests (CSV with user_id, and JSON) for the admin', async () => {
    const csv = await get('/api/v1/admin/usage/export?format=csv').buffer(true).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="usage-.*\.csv"/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = lines[0]!.split(',');
    const userCol = header.indexOf('user_id');
    const users = lines.slice(1).map((l) => l.split(',')[userCol]);
    expect(users.filter((u) => u === other.id)).toHaveLength(theirs.length);
    expect(users.filter((u) => u === gw.userId)).toHaveLength(mine.length);
    const json = await get('/api/v1/admin/usage/export?format=json').expect(200);
    const ids = (json.body as { requestId: string }[]).map((r) => r.requestId).sort();
    expect(ids).toEqual([...mine, ...theirs, ghost].map((u) => u.requestId).sort());
  });
});
