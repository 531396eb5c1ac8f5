import request from 'supertest';
import { startTestGateway, type TestGateway } from './support/test-gateway';

interface PolicyBody {
  levels: Record<'eco' | 'balanced' | 'precision', Record<string, unknown>>;
  [field: string]: unknown;
}

interface Candidate {
  modelId: string;
  provider: string;
  components: Record<string, number>;
}

/**
 * Routing depth through the real app (embedded, the mock providers): the preference bonus, use-case
 * chains, weighted balancing and per-provider rate limits decide who answers, and the explanation
 * says why. At `balanced` the mocks rank swift-mini (cheap, fast) or sage-medium first (which one
 * depends on the latencies measured so far), sage-large and atlas-1 after them.
 */
describe('routing depth (embedded)', () => {
  let gw: TestGateway;
  let defaults: PolicyBody;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
    const { body } = await request(gw.baseUrl)
      .get('/api/v1/admin/routing/policy')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .expect(200);
    delete body.version;
    defaults = body as PolicyBody;
  });
  afterAll(() => gw?.close());

  /** Saves the default policy with `change` applied to a copy of it. */
  const putPolicy = async (change: (p: PolicyBody) => void): Promise<void> => {
    const body = structuredClone(defaults);
    change(body);
    const res = await request(gw.baseUrl)
      .put('/api/v1/admin/routing/policy')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send(body);
    expect(res.status).toBe(200);
  };
  const chat = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .set(headers)
      .send({ model: 'balanced', messages: [{ role: 'user', content: 'hi' }], ...extra })
      .expect(200);
  const explain = async (requestId: string) => {
    await gw.waitForProjections();
    const res = await request(gw.baseUrl)
      .get(`/api/v1/requests/${requestId}`)
      .set('authorization', `Bearer ${gw.userKey}`)
      .expect(200);
    return res.body as {
      candidates: Candidate[];
      chosenModelId: string;
      useCase: string | null;
      chain: { source: string; models: string[]; applied: boolean } | null;
      balancing: { bandPercent: number; pool: string[]; draw: number; chosen: string } | null;
    };
  };

  // First: the load tracker counts every platform-key request this gateway sends in a minute.
  it('a provider at its rpm limit is tried after the others; the explanation shows rateLimit 1', async () => {
    expect(gw.gateway.runtime.chatContext.load.requestsInWindow('mock-swift')).toBe(0);
    await putPolicy((p) => {
      p.providerLimits = { 'mock-swift': { rpm: 2 } };
    });
    for (let i = 0; i < 2; i++) expect((await chat()).headers['x-switchyard-provider']).toBe('mock-swift');
    const third = await chat();
    expect(third.headers['x-switchyard-provider']).not.toBe('mock-swift');
    const explained = await explain(third.headers['x-switchyard-request-id'] as string);
    const swift = explained.candidates.find((c) => c.provider === 'mock-swift')!;
    expect(swift.components.rateLimit).toBe(1);
    expect(explained.candidates.at(-1)!.provider).toBe('mock-swift');
    expect(explained.candidates[0]!.components).not.toHaveProperty('rateLimit');
  });

  it('a preferred provider with a big preferenceBonus answers instead; the explanation shows preference', async () => {
    await putPolicy(() => undefined);
    // atlas-1 ranks below swift-mini and sage-medium on price and speed: never first on its own
    expect((await chat()).headers['x-switchyard-provider']).not.toBe('mock-atlas');
    await putPolicy((p) => {
      p.levels.balanced.preferredProviders = ['mock-atlas'];
      p.preferenceBonus = 1;
    });
    const res = await chat();
    expect(res.headers['x-switchyard-provider']).toBe('mock-atlas');
    const explained = await explain(res.headers['x-switchyard-request-id'] as string);
    expect(explained.chosenModelId).toBe('mock-atlas/atlas-1');
    expect(explained.candidates[0]!.components.preference).toBe(1);
    expect(explained.candidates.find((c) => c.provider === 'mock-swift')!.components).not.toHaveProperty(
      'preference',
    );
  });

  it("a use case's chain, named by header or by metadata.use_case, picks the chain's first model", async () => {
    await putPolicy((p) => {
      p.useCases = { support: ['mock-sage/sage-large', 'mock-swift/swift-mini'] };
    });
    const byHeader = await chat({}, { 'x-switchyard-use-case': 'support' });
    expect(byHeader.headers['x-switchyard-model']).toBe('mock-sage/sage-large');
    const byMetadata = await chat({ metadata: { use_case: 'support' } });
    expect(byMetadata.headers['x-switchyard-model']).toBe('mock-sage/sage-large');
    for (const res of [byHeader, byMetadata]) {
      const explained = await explain(res.headers['x-switchyard-request-id'] as string);
      expect(explained.useCase).toBe('support');
      expect(explained.chain).toEqual({
        source: 'use_case',
        models: ['mock-sage/sage-large', 'mock-swift/swift-mini'],
        applied: true,
      });
      expect(explained.candidates.map((c) => c.modelId)).toEqual([
        'mock-sage/sage-large',
        'mock-swift/swift-mini',
      ]);
    }
    // an unknown (well-formed) use case is recorded, nothing more; a malformed one is ignored
    const unknown = await chat({ metadata: { use_case: 'nobody' } });
    expect(unknown.headers['x-switchyard-model']).not.toBe('mock-sage/sage-large');
    const unknownExplained = await explain(unknown.headers['x-switchyard-request-id'] as string);
    expect(unknownExplained).toMatchObject({ useCase: 'nobody', chain: null });
    expect(unknownExplained.candidates.length).toBeGreaterThan(2); // the score order, not the chain's two
    const malformed = await chat({}, { 'x-switchyard-use-case': 'Not A Name!' });
    expect((await explain(malformed.headers['x-switchyard-request-id'] as string)).useCase).toBeNull();
  });

  it('balancing with weights 3:1 on two providers in the band sends requests to both', async () => {
    await putPolicy((p) => {
      p.balancing = {
        enabled: true,
        bandPercent: 50,
        weights: {
          'mock-swift/swift-mini': 3,
          'mock-sage/sage-medium': 1,
          'mock-sage/sage-large': 0,
          'mock-atlas': 0,
        },
      };
    });
    const seen = new Map<string, number>();
    let lastId = '';
    for (let i = 0; i < 40; i++) {
      const res = await chat();
      const model = res.headers['x-switchyard-model'] as string;
      seen.set(model, (seen.get(model) ?? 0) + 1);
      lastId = res.headers['x-switchyard-request-id'] as string;
    }
    expect([...seen.keys()].sort()).toEqual(['mock-sage/sage-medium', 'mock-swift/swift-mini']);
    const explained = await explain(lastId);
    expect(explained.balancing).not.toBeNull();
    expect(explained.balancing!.bandPercent).toBe(50);
    expect(explained.balancing!.pool).toEqual(
      expect.arrayContaining(['mock-swift/swift-mini', 'mock-sage/sage-medium']),
    );
    expect(explained.balancing!.chosen).toBe(explained.chosenModelId);
    expect(explained.balancing!.draw).toBeGreaterThanOrEqual(0);
    expect(explained.balancing!.draw).toBeLessThan(1);
  });

  it("the preview follows a draft level's chain and shows the components", async () => {
    const draft = structuredClone(defaults);
    draft.levels.balanced.chain = ['mock-atlas/atlas-1', 'mock-sage/sage-large'];
    draft.levels.balanced.preferredProviders = ['mock-sage'];
    const res = await request(gw.baseUrl)
      .post('/api/v1/admin/routing/preview')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send(draft)
      .expect(200);
    const balanced = (
      res.body.levels as Array<{
        powerLevel: string;
        draft: { candidates: Array<Candidate & { withinAttempts: boolean }>; chain: unknown };
        saved: { chain: unknown };
      }>
    ).find((l) => l.powerLevel === 'balanced')!;
    expect(balanced.draft.chain).toEqual({
      source: 'level',
      models: ['mock-atlas/atlas-1', 'mock-sage/sage-large'],
      applied: true,
    });
    expect(balanced.saved.chain).toBeNull();
    const ids = balanced.draft.candidates.map((c) => c.modelId);
    expect(ids.slice(0, 2)).toEqual(['mock-atlas/atlas-1', 'mock-sage/sage-large']);
    // after the chain come the others, which the chat path would not try
    expect(balanced.draft.candidates.slice(2).every((c) => !c.withinAttempts)).toBe(true);
    expect(balanced.draft.candidates[1]!.components.preference).toBe(defaults.preferenceBonus);
  });
});
