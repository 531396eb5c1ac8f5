import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import type { Position } from '@gw/shared-kernel';
import { startTestGateway, type TestGateway } from './support/test-gateway';

interface Row {
  key: string;
  requests: number;
  costMicros: string;
  chargeMicros: string;
}
interface Side {
  costMicros: string;
  chargeMicros: string;
  byProvider: Row[];
  byModel: Row[];
}
interface JobView {
  id: string;
  status: string;
  percent: number;
  processed: number;
  startedAt: string;
  finishedAt: string | null;
  request: Record<string, unknown>;
  result: {
    requests: number;
    before: Side;
    after: Side;
    changed: { provider: number; model: number; noCandidate: number; overCap: number };
    sample: Array<{
      requestId: string;
      before: { modelId: string; candidates: Array<{ modelId: string }> };
      after: { modelId: string; candidates: Array<{ modelId: string }> };
    }>;
  } | null;
  error: string | null;
}

const LEVELS = ['balanced', 'eco', 'precision'] as const;

/** What the health watch writes on its own, whatever the what-if does. */
const HEALTH_WATCH_EVENTS: ReadonlySet<string> = new Set(['ProviderDegraded', 'ProviderRecovered']);

/**
 * The what-if HTTP layer (issue 20) through the real app: 20 chat requests on the mock providers,
 * then what-ifs over them. Replaying under the policy in force changes nothing; quality-only weights
 * at balanced send every request to sage-large (the mocks' best quality); bad bodies are 400s naming
 * the parameter; nothing is written and no upstream is called while it replays.
 */
describeBackends('what-if endpoints', (backend) => {
  let gw: TestGateway;
  let from: string;
  const charges = new Map<string, bigint>();
  let headBefore: Position | null = null;
  let upstreamBefore: number;

  const upstreamRequests = (): number =>
    [...gw.gateway.runtime.mocks.values()].reduce((n, m) => n + m.stats().requests, 0);
  const asAdmin = (req: request.Test) => req.set('authorization', `Bearer ${gw.adminKey}`);
  const whatIf = (body: unknown, key = gw.adminKey) =>
    request(gw.baseUrl)
      .post('/api/v1/admin/routing/what-if')
      .set('authorization', `Bearer ${key}`)
      .send(body as object);
  const currentPolicy = async (): Promise<Record<string, unknown>> =>
    (await asAdmin(request(gw.baseUrl).get('/api/v1/admin/routing/policy')).expect(200)).body as Record<
      string,
      unknown
    >;
  const qualityOnlyAtBalanced = (policy: Record<string, unknown>) => {
    const levels = policy.levels as Record<string, Record<string, unknown>>;
    return {
      ...policy,
      levels: {
        ...levels,
        balanced: { ...levels.balanced, strategy: 'custom', weights: { cost: 0, latency: 0, quality: 1 } },
      },
    };
  };

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    from = new Date(Date.now() - 1_000).toISOString();
    for (let i = 0; i < 20; i++) {
      const res = await request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({
          model: LEVELS[i % 3],
          messages: [{ role: 'user', content: `question ${i}: ${'more words '.repeat(i * 5)}` }],
        })
        .expect(200);
      charges.set(
        res.headers['x-switchyard-request-id'] as string,
        BigInt(res.headers['x-switchyard-charge-micros'] as string),
      );
    }
    // PostgreSQL readers see a commit only once no older transaction (of any suite on the server) is
    // in flight: wait until the log shows every request's usage before the what-ifs read it.
    await eventually(
      async () => {
        const usage = await gw.gateway.runtime.eventStore.readAll({ eventTypes: ['UsageRecorded'] });
        const seen = new Set(usage.map((e) => (e.data as { requestId: string }).requestId));
        return [...charges.keys()].every((id) => seen.has(id)) ? true : undefined;
      },
      20_000,
      "every request's UsageRecorded in the log",
      50,
    );
    headBefore = await gw.gateway.runtime.eventStore.headPosition();
    upstreamBefore = upstreamRequests();
  });
  afterAll(() => gw?.close());

  it('under the policy GET returns (version and all), nothing changes: 200 with the result at once', async () => {
    const policy = await currentPolicy();
    expect(policy.version).toBeDefined();
    const res = await whatIf({ policy, from });
    expect(res.status).toBe(200);
    const job = res.body as JobView;
    expect(job).toMatchObject({
      status: 'done',
      percent: 100,
      processed: 20,
      error: null,
      request: { from, powerLevel: null, filters: {}, catalog: 'then', billing: 'then' },
    });
    expect(Date.parse(job.request.to as string)).toBeGreaterThan(Date.parse(from));
    expect(job.finishedAt).not.toBeNull();
    const result = job.result!;
    expect(result.requests).toBe(20);
    expect(result.changed).toEqual({ provider: 0, model: 0, noCandidate: 0, overCap: 0 });
    expect(result.after.costMicros).toBe(result.before.costMicros);
    expect(result.after.chargeMicros).toBe(result.before.chargeMicros);
    expect(result.after.byModel).toEqual(result.before.byModel);
    expect(result.after.byProvider).toEqual(result.before.byProvider);
    // The recorded side is what the chat answers said they charged
    const recorded = [...charges.values()].reduce((a, b) => a + b, 0n);
    expect(BigInt(result.before.chargeMicros)).toBe(recorded);
    expect(result.sample).toEqual([]);

    // GET by id answers the same job; DELETE on a finished job answers it unchanged
    const got = await asAdmin(request(gw.baseUrl).get(`/api/v1/admin/routing/what-if/${job.id}`)).expect(200);
    expect(got.body).toEqual(job);
    const deleted = await asAdmin(
      request(gw.baseUrl).delete(`/api/v1/admin/routing/what-if/${job.id}`),
    ).expect(200);
    expect(deleted.body).toEqual(job);
  });

  it('quality-only weights at balanced, every request at balanced: all go to sage-large', async () => {
    const policy = qualityOnlyAtBalanced(await currentPolicy());
    const res = await whatIf({ policy, from, powerLevel: 'balanced', catalog: 'now', billing: 'now' });
    expect(res.status).toBe(200);
    const result = (res.body as JobView).result!;
    expect(result.requests).toBe(20);
    expect(result.after.byModel.map((r) => [r.key, r.requests])).toEqual([['mock-sage/sage-large', 20]]);
    expect(result.after.byProvider.map((r) => [r.key, r.requests])).toEqual([['mock-sage', 20]]);
    const servedSageLarge =
      result.before.byModel.find((r) => r.key === 'mock-sage/sage-large')?.requests ?? 0;
    expect(result.changed.model).toBe(20 - servedSageLarge);
    expect(result.changed.model).toBeGreaterThan(0);
    expect(result.sample.length).toBe(result.changed.model);
    for (const s of result.sample) {
      expect(s.after.modelId).toBe('mock-sage/sage-large');
      // Both explanations: the recorded ranking and the draft's.
      expect(s.before.candidates[0]?.modelId).toBe(s.before.modelId);
      expect(s.after.candidates[0]?.modelId).toBe('mock-sage/sage-large');
    }
    expect((res.body as JobView).request).toMatchObject({
      powerLevel: 'balanced',
      catalog: 'now',
      billing: 'now',
    });
  });

  it('filters by user, served model and tier', async () => {
    const policy = await currentPolicy();
    const all = ((await whatIf({ policy, from }).expect(200)).body as JobView).result!;
    const top = all.before.byModel[0]!;
    const byModel = (
      (await whatIf({ policy, from, filters: { model: top.key } }).expect(200)).body as JobView
    ).result!;
    expect(byModel.requests).toBe(top.requests);
    expect(byModel.before.byModel).toEqual([top]);

    const mine = (
      (await whatIf({ policy, from, filters: { userId: gw.userId } }).expect(200)).body as JobView
    ).result!;
    expect(mine.requests).toBe(20);
    const nobody = (
      (await whatIf({ policy, from, filters: { userId: 'someone-else' } }).expect(200)).body as JobView
    ).result!;
    expect(nobody.requests).toBe(0);
    expect(nobody.before.chargeMicros).toBe('0');

    const me = await request(gw.baseUrl)
      .get('/api/v1/me')
      .set('authorization', `Bearer ${gw.userKey}`)
      .expect(200);
    const tier = me.body.tier as string;
    const ofTier = ((await whatIf({ policy, from, filters: { tier } }).expect(200)).body as JobView).result!;
    expect(ofTier.requests).toBe(20);
    const otherTier = tier === 'enterprise' ? 'free' : 'enterprise';
    const none = ((await whatIf({ policy, from, filters: { tier: otherTier } }).expect(200)).body as JobView)
      .result!;
    expect(none.requests).toBe(0);
  });

  it('bad bodies are 400 problems naming the parameter', async () => {
    const policy = await currentPolicy();
    const levels = policy.levels as Record<string, Record<string, unknown>>;
    const weights = (w: Record<string, number>) => ({
      ...policy,
      levels: { ...levels, eco: { ...levels.eco, strategy: 'custom', weights: w } },
    });
    const cases: Array<[unknown, string]> = [
      [{ policy, from: 'yesterday' }, 'from'],
      [{ policy }, 'from'],
      [{ policy, from, to: '2020-01-01T00:00:00Z' }, 'to'],
      [{ policy, from: '2020-01-01T00:00:00Z', to: '2021-06-01T00:00:00Z' }, 'to'],
      [{ policy: weights({ cost: 0, latency: 0, quality: 0 }), from }, 'policy.levels.eco.weights'],
      [{ policy: weights({ cost: 2, latency: 0, quality: 0 }), from }, 'policy.levels.eco.weights.cost'],
      [{ policy: 'x', from }, 'policy'],
      [{ from }, 'policy'],
      [{ policy, from, powerLevel: 'turbo' }, 'powerLevel'],
      [{ policy, from, filters: { tier: 'gold' } }, 'filters.tier'],
      [{ policy, from, catalog: 'later' }, 'catalog'],
    ];
    for (const [body, param] of cases) {
      const res = await whatIf(body);
      expect({ param, status: res.status, type: res.headers['content-type'] }).toEqual({
        param,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
      });
      expect(res.body.param).toBe(param);
    }
    // Malformed policies of other shapes: 400 under `policy`, never a 5xx
    for (const bad of [
      {},
      { ...policy, levels: {} },
      { ...policy, levels: 'x' },
      { ...policy, useCases: { code: 5 } },
      { ...policy, providerLimits: { openai: 'x' } },
      { ...policy, balancing: { enabled: true, weights: { a: 'x' } } },
    ]) {
      const res = await whatIf({ policy: bad, from });
      expect({ bad: JSON.stringify(bad).slice(0, 60), status: res.status }).toEqual({
        bad: JSON.stringify(bad).slice(0, 60),
        status: 400,
      });
      expect(res.body.param).toMatch(/^policy\./);
    }
    const notObject = await asAdmin(
      request(gw.baseUrl)
        .post('/api/v1/admin/routing/what-if')
        .set('content-type', 'application/json')
        .send('[1]'),
    );
    expect(notObject.status).toBe(400);
  });

  it('is for admins only; unknown ids are 404 problems', async () => {
    const policy = await currentPolicy();
    expect((await whatIf({ policy, from }, gw.userKey)).status).toBe(403);
    const get = request(gw.baseUrl).get('/api/v1/admin/routing/what-if/nope');
    expect((await get.set('authorization', `Bearer ${gw.userKey}`)).status).toBe(403);
    const unknown = await asAdmin(request(gw.baseUrl).get('/api/v1/admin/routing/what-if/nope'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.body.code).toBe('WHAT_IF.JOB_NOT_FOUND');
    expect((await asAdmin(request(gw.baseUrl).delete('/api/v1/admin/routing/what-if/nope'))).status).toBe(
      404,
    );
  });

  it("the user's small version: their actual charges and what eco would have charged", async () => {
    const mine = await request(gw.baseUrl)
      .get('/api/v1/me/what-if?powerLevel=eco&days=30')
      .set('authorization', `Bearer ${gw.userKey}`)
      .expect(200);
    const recorded = [...charges.values()].reduce((a, b) => a + b, 0n);
    expect(mine.body).toMatchObject({
      powerLevel: 'eco',
      days: 30,
      requests: 20,
      actualChargeMicros: recorded.toString(),
      currentPowerLevel: expect.stringMatching(/^(eco|balanced|precision)$/),
    });
    const would = BigInt(mine.body.wouldChargeMicros as string);
    // Eco's models and multiplier are the cheapest: two thirds of the requests were balanced or precision
    expect(would).toBeGreaterThan(0n);
    expect(would).toBeLessThan(recorded);

    // The same as the admin's what-if of that user at eco under the policy in force
    const policy = await currentPolicy();
    const admin = (
      (await whatIf({ policy, from, powerLevel: 'eco', filters: { userId: gw.userId } }).expect(200))
        .body as JobView
    ).result!;
    expect(admin.after.chargeMicros).toBe(would.toString());

    // The admin sent no chat requests: nothing of theirs to replay
    const adminOwn = await request(gw.baseUrl)
      .get('/api/v1/me/what-if?powerLevel=precision')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .expect(200);
    expect(adminOwn.body).toMatchObject({
      days: 30,
      requests: 0,
      actualChargeMicros: '0',
      wouldChargeMicros: '0',
    });

    for (const [query, param] of [
      ['days=30', 'powerLevel'],
      ['powerLevel=turbo', 'powerLevel'],
      ['powerLevel=eco&days=0', 'days'],
      ['powerLevel=eco&days=91', 'days'],
      ['powerLevel=eco&days=ten', 'days'],
      ['powerLevel=eco&day=3', 'day'],
    ] as const) {
      const res = await request(gw.baseUrl)
        .get(`/api/v1/me/what-if?${query}`)
        .set('authorization', `Bearer ${gw.userKey}`);
      expect({ query, status: res.status, param: res.body.param }).toEqual({ query, status: 400, param });
    }
    expect((await request(gw.baseUrl).get('/api/v1/me/what-if?powerLevel=eco')).status).toBe(401);
  });

  it('a job that takes longer answers 202 with its Location, runs at most 2 at once, and DELETE cancels it', async () => {
    const policy = await currentPolicy();
    // The replay's reads wait until released: the jobs cannot finish within the POST's 1.5 s
    const store = gw.gateway.runtime.eventStore;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const original = store.readAll.bind(store);
    const held = jest.spyOn(store, 'readAll').mockImplementation(async (options) => {
      await gate;
      return original(options);
    });
    try {
      const first = await whatIf({ policy, from });
      expect(first.status).toBe(202);
      const job = first.body as JobView;
      expect(job).toMatchObject({ status: 'running', result: null, finishedAt: null, error: null });
      expect(first.headers.location).toBe(`/api/v1/admin/routing/what-if/${job.id}`);
      const polled = await asAdmin(request(gw.baseUrl).get(first.headers.location as string)).expect(200);
      expect(polled.body).toMatchObject({ id: job.id, status: 'running' });

      const second = await whatIf({ policy, from });
      expect(second.status).toBe(202);
      const third = await whatIf({ policy, from });
      expect(third.status).toBe(429);
      expect(third.headers['content-type']).toContain('application/problem+json');
      expect(third.body.code).toBe('WHAT_IF.TOO_MANY_JOBS');

      const cancelled = await asAdmin(
        request(gw.baseUrl).delete(`/api/v1/admin/routing/what-if/${job.id}`),
      ).expect(200);
      expect(cancelled.body).toMatchObject({ id: job.id, status: 'cancelled', result: null });
      expect(cancelled.body.finishedAt).not.toBeNull();
      // Its slot is free again
      const fourth = await whatIf({ policy, from });
      expect(fourth.status).toBe(202);

      // Released, the running ones finish; the cancelled one stays cancelled
      release();
      for (const id of [(second.body as JobView).id, (fourth.body as JobView).id]) {
        let view: JobView;
        do {
          view = (await asAdmin(request(gw.baseUrl).get(`/api/v1/admin/routing/what-if/${id}`)).expect(200))
            .body as JobView;
        } while (view.status === 'running');
        expect(view).toMatchObject({ status: 'done', percent: 100, processed: 20 });
        expect(view.result!.requests).toBe(20);
      }
      const after = await asAdmin(request(gw.baseUrl).get(`/api/v1/admin/routing/what-if/${job.id}`)).expect(
        200,
      );
      expect(after.body).toEqual(cancelled.body);
    } finally {
      release();
      held.mockRestore();
    }
  });

  it('wrote no event and called no upstream while replaying', async () => {
    // The gateway's own health watch may record a provider degrading or recovering meanwhile (a loaded
    // machine slows the mocks' probes); anything else in the log since is the what-if's doing.
    const store = gw.gateway.runtime.eventStore;
    const since = await store.readAll(headBefore === null ? {} : { after: headBefore });
    expect(since.filter((e) => !HEALTH_WATCH_EVENTS.has(e.type)).map((e) => e.type)).toEqual([]);
    expect(upstreamRequests()).toBe(upstreamBefore);
  });
});
