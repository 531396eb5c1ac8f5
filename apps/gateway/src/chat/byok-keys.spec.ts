import type { Principal } from '@gw/accounts';
import type { CatalogSnapshot } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import type { KeyEntry } from '@gw/keys';
import type { RankedCandidate } from '@gw/routing';
import { byokCredential, chooseByokKeys, NO_BYOK, withPlatformFallbacks } from './byok-keys';
import { routableModels } from './route-planner';

const principal = (over: Partial<Principal> & { byokOnly?: boolean } = {}): Principal => ({
  userId: 'u1',
  keyId: 'g1',
  roles: ['user'],
  tier: 'starter',
  powerLevel: 'balanced',
  ...over,
});
const key = (keyId: string, provider: string, priority = 0): KeyEntry => ({
  keyId,
  userId: 'u1',
  provider,
  label: '',
  masked: '…abcd',
  last4: 'abcd',
  fingerprint: `fp-${keyId}`,
  secretId: `${keyId}.s`,
  status: 'valid',
  enabled: true,
  priority,
  createdAt: '2026-12-01T12:00:00.000Z',
  lastValidatedAt: null,
});
const ring = (keys: KeyEntry[], loaded = (k: KeyEntry) => k.keyId !== 'unloaded') => ({
  routingKeys: () => {
    const map = new Map<string, KeyEntry[]>();
    for (const k of keys) map.set(k.provider, [...(map.get(k.provider) ?? []), k]);
    return map;
  },
  apiKey: (k: KeyEntry) => (loaded(k) ? `secret-${k.keyId}` : undefined),
});
const healthy = { isAvailable: () => true };

describe('chooseByokKeys', () => {
  it('a caller without keys costs nothing: the shared empty choice', () => {
    expect(chooseByokKeys(principal(), ring([]), healthy)).toBe(NO_BYOK);
    expect(chooseByokKeys(principal({ byokOnly: true }), ring([]), healthy)).toMatchObject({
      only: true,
      providers: new Set(),
    });
  });

  it('takes the first key per provider in priority order, as a byok:<keyId> credential', () => {
    const choice = chooseByokKeys(
      principal(),
      ring([key('a1', 'a'), key('a2', 'a', 1), key('b1', 'b')]),
      healthy,
    );
    expect([...choice.providers]).toEqual(['a', 'b']);
    expect(choice.credentials.get('a')).toBe('byok:a1');
    expect(choice.keys.get('byok:a1')?.keyId).toBe('a1');
  });

  it('a paused key gives way to the next key of the provider; keys this instance cannot read are skipped', () => {
    const paused = { isAvailable: (_p: string, c?: string) => c !== byokCredential('a1') };
    expect(
      chooseByokKeys(principal(), ring([key('a1', 'a'), key('a2', 'a', 1)]), paused).credentials.get('a'),
    ).toBe('byok:a2');
    const none = chooseByokKeys(principal(), ring([key('unloaded', 'a')]), healthy);
    expect(none.providers.size).toBe(0);
  });
});

describe('withPlatformFallbacks', () => {
  const candidate = (provider: string, byok: boolean): RankedCandidate => ({
    modelId: `${provider}/m`,
    provider,
    score: 1,
    components: { cost: 1, latency: 1, quality: 1, errorPenalty: 0 },
    byok,
    ...(byok && { credential: `byok:${provider}1` }),
  });
  const choice = chooseByokKeys(principal(), ring([key('a1', 'a'), key('c1', 'c')]), healthy);

  it('follows each BYOK candidate by the same model on the platform key when there is one', () => {
    const out = withPlatformFallbacks(
      [candidate('a', true), candidate('b', false), candidate('c', true)],
      choice,
      (p) => p !== 'c',
    );
    expect(out.map((c) => [c.modelId, c.byok, c.credential])).toEqual([
      ['a/m', true, 'byok:a1'],
      ['a/m', false, undefined],
      ['b/m', false, undefined],
      ['c/m', true, 'byok:c1'],
    ]);
  });

  it('never adds the platform key with byokOnly', () => {
    const only = { ...choice, only: true };
    expect(withPlatformFallbacks([candidate('a', true)], only, () => true)).toHaveLength(1);
  });
});

describe('routableModels', () => {
  const platform = catalogModel('p/m');
  const ownOnly = catalogModel('k/m');
  const catalog: CatalogSnapshot = {
    providers: new Map(),
    models: [platform],
    keyOnly: { providers: new Map(), models: new Map([['k', [ownOnly]]]) },
  };

  it("adds a key-only provider's models for callers with a key for it, and only for them", () => {
    expect(routableModels(catalog, NO_BYOK)).toBe(catalog.models);
    const withKey = chooseByokKeys(principal(), ring([key('k1', 'k')]), healthy);
    expect(routableModels(catalog, withKey).map((m) => m.id)).toEqual(['p/m', 'k/m']);
  });

  it('byokOnly keeps only providers the caller has a key for', () => {
    const only = chooseByokKeys(principal({ byokOnly: true }), ring([key('k1', 'k')]), healthy);
    expect(routableModels(catalog, only).map((m) => m.id)).toEqual(['k/m']);
    expect(routableModels(catalog, chooseByokKeys(principal({ byokOnly: true }), ring([]), healthy))).toEqual(
      [],
    );
  });
});

describe('custom endpoints', () => {
  const custom: KeyEntry = {
    ...key('0f8e2c1a-1111', 'custom'),
    custom: { baseUrl: 'https://llm.example.com/v1', models: ['my-llm'] },
  };
  const catalog: CatalogSnapshot = { providers: new Map(), models: [catalogModel('p/m')] };

  it('each is a provider of its own, its models routable for its owner, only when named', () => {
    const choice = chooseByokKeys(principal(), ring([custom]), healthy);
    expect([...choice.providers]).toEqual(['custom-0f8e2c1a1111']);
    expect(choice.credentials.get('custom-0f8e2c1a1111')).toBe('byok:0f8e2c1a-1111');
    expect(choice.custom?.providers.get('custom-0f8e2c1a1111')).toMatchObject({
      baseUrl: 'https://llm.example.com/v1',
      kind: 'openai-compatible',
    });
    const models = routableModels(catalog, choice);
    expect(models.map((m) => m.id)).toEqual(['p/m', 'custom-0f8e2c1a1111/my-llm']);
    expect(models[1]).toMatchObject({ upstreamModel: 'my-llm', powerLevels: [] });
    expect(routableModels(catalog, chooseByokKeys(principal({ userId: 'u2' }), ring([]), healthy))).toBe(
      catalog.models,
    );
  });
});
