import request from 'supertest';
import { startTestGateway, type TestGateway } from './support/test-gateway';

interface Candidate {
  rank: number;
  savedRank: number | null;
  modelId: string;
  score: number;
  pricePer1kMicros: string;
  components: { cost: number; latency: number; quality: number; errorPenalty: number };
}
interface Level {
  powerLevel: string;
  requestedModel: string;
  draft: { candidates: Candidate[]; excluded: Array<{ modelId: string; reason: string }> };
  saved: { candidates: Candidate[]; excluded: Array<{ modelId: string; reason: string }> };
}

describe('routing policy preview and history (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());

  const asAdmin = (req: request.Test) => req.set('authorization', `Bearer ${gw.adminKey}`);
  const currentPolicy = async (): Promise<{ body: Record<string, unknown>; etag: string }> => {
    const res = await asAdmin(request(gw.baseUrl).get('/api/v1/admin/routing/policy')).expect(200);
    const body = structuredClone(res.body as Record<string, unknown>);
    delete body.version;
    return { body, etag: res.headers.etag as string };
  };
  const preview = (body: unknown, key = gw.adminKey, query = '') =>
    request(gw.baseUrl)
      .post(`/api/v1/admin/routing/preview${query}`)
      .set('authorization', `Bearer ${key}`)
      .send(body as object);
  const level = (res: request.Response, name: string): Level =>
    (res.body.levels as Level[]).find((l) => l.powerLevel === name)!;
  const cheapestFirst = (levelPolicy: Record<string, unknown>) => ({
    ...levelPolicy,
    strategy: 'custom',
    weights: { cost: 0.9, latency: 0.05, quality: 0.05 },
  });

  it('ranks each level under the draft and the saved policy: more cost weight puts the cheapest first', async () => {
    const { body } = await currentPolicy();
    const levels = body.levels as Record<string, Record<string, unknown>>;
    const draft = { ...body, levels: { ...levels, precision: cheapestFirst(levels.precision!) } };
    const positionBefore = await gw.gateway.runtime.eventStore.headPosition();

    const res = await preview(draft);
    expect(res.status).toBe(200);
    expect(res.body.saved.version).toBe(0);
    const precision = level(res, 'precision');
    expect(precision.requestedModel).toBe('precision');
    // The saved policy (quality 0.6) puts Sage Large first; the draft puts the cheapest model first.
    expect(precision.saved.candidates[0]!.modelId).toBe('mock-sage/sage-large');
    const cheapest = [...precision.draft.candidates].sort(
      (a, b) => Number(a.pricePer1kMicros) - Number(b.pricePer1kMicros),
    )[0]!;
    expect(cheapest.modelId).toBe('mock-sage/sage-medium');
    expect(precision.draft.candidates[0]!.modelId).toBe(cheapest.modelId);
    expect(precision.draft.candidates[0]!.savedRank).toBeGreaterThan(1);
    expect(precision.draft.candidates.map((c) => c.rank)).toEqual([1, 2, 3]);
    const parts = precision.draft.candidates[0]!.components;
    expect(precision.draft.candidates[0]!.score).toBeCloseTo(
      0.9 * parts.cost + 0.05 * parts.latency + 0.05 * parts.quality,
      10,
    );
    // The other levels are unchanged: draft and saved rank alike.
    expect(level(res, 'balanced').draft.candidates).toEqual(level(res, 'balanced').saved.candidates);

    // Nothing written: no event, same policy version.
    expect(await gw.gateway.runtime.eventStore.headPosition()).toEqual(positionBefore);
    expect((await currentPolicy()).etag).toBe('"0"');
  });

  it('names what the draft excludes and why (over the max price)', async () => {
    const { body } = await currentPolicy();
    const levels = body.levels as Record<string, Record<string, unknown>>;
    const draft = {
      ...body,
      levels: { ...levels, balanced: { ...levels.balanced, maxPricePer1kMicros: '500' } },
    };
    const res = await preview(draft).expect(200);
    const balanced = level(res, 'balanced');
    expect(balanced.draft.candidates.map((c) => c.modelId)).toEqual(['mock-swift/swift-mini']);
    expect(balanced.draft.excluded.map((e) => e.reason)).toEqual(['price', 'price', 'price']);
    expect(balanced.saved.excluded).toEqual([]);
  });

  it('refuses an invalid draft like PUT does (400 problem+json), a bad tier, and non-admins (403)', async () => {
    const { body } = await currentPolicy();
    const bad = structuredClone(body) as { levels: { eco: { weights?: { cost: number } } } };
    bad.levels.eco.weights = { ...(bad.levels.eco.weights ?? { cost: 0 }), cost: 3 };
    const invalid = await preview(bad);
    expect(invalid.status).toBe(400);
    expect(invalid.headers['content-type']).toContain('application/problem+json');
    expect(invalid.body.detail).toContain('levels.eco.weights.cost');

    // A preset strategy with other weights: the decider's own check, as on PUT.
    const preset = structuredClone(body) as { levels: { eco: Record<string, unknown> } };
    preset.levels.eco = {
      ...preset.levels.eco,
      strategy: 'cost',
      weights: { cost: 0.5, latency: 0.5, quality: 0 },
    };
    const presetRes = await preview(preset);
    expect(presetRes.status).toBe(400);
    expect(presetRes.body.code).toBe('ROUTING.INVALID_POLICY');

    const tier = await preview(body, gw.adminKey, '?tier=gold');
    expect(tier.status).toBe(400);
    expect(tier.body.code).toBe('REQUEST.INVALID_PARAMETER');
    expect(tier.body.detail).toContain('tier');

    const user = await preview(body, gw.userKey);
    expect(user.status).toBe(403);
    expect(user.body.code).toBe('AUTH.ADMIN_ONLY');
  });

  it('lists the saved versions, newest first, with who and when', async () => {
    const empty = await asAdmin(request(gw.baseUrl).get('/api/v1/admin/routing/policy/history')).expect(200);
    expect(empty.body.map((v: { version: number }) => v.version)).toEqual([0]);
    expect(empty.body[0]).toMatchObject({ changedBy: null, changedByName: null, changedAt: null });
    expect(empty.body[0].policy.levels.precision.weights).toEqual({ cost: 0.1, latency: 0.3, quality: 0.6 });

    for (const cost of [0.8, 0.7]) {
      const { body, etag } = await currentPolicy();
      const levels = body.levels as Record<string, Record<string, unknown>>;
      const next = {
        ...body,
        levels: {
          ...levels,
          precision: {
            ...levels.precision,
            strategy: 'custom',
            weights: { cost, latency: 0.1, quality: 0.9 - cost },
          },
        },
      };
      await asAdmin(request(gw.baseUrl).put('/api/v1/admin/routing/policy'))
        .set('if-match', etag)
        .send(next)
        .expect(200);
    }
    const history = await asAdmin(request(gw.baseUrl).get('/api/v1/admin/routing/policy/history')).expect(
      200,
    );
    expect(history.body.map((v: { version: number }) => v.version)).toEqual([2, 1, 0]);
    expect(history.body[0].policy.version).toBe(2);
    expect(history.body[0].policy.levels.precision.weights.cost).toBe(0.7);
    expect(history.body[1].policy.levels.precision.weights.cost).toBe(0.8);
    expect(typeof history.body[0].changedBy).toBe('string');
    expect(history.body[0].changedBy.length).toBeGreaterThan(0);
    expect(typeof history.body[0].changedByName).toBe('string');
    expect(Date.parse(history.body[0].changedAt)).not.toBeNaN();

    const user = await request(gw.baseUrl)
      .get('/api/v1/admin/routing/policy/history')
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(user.status).toBe(403);
  });
});
