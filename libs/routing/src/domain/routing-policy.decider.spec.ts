import { ConcurrencyError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import {
  DEFAULT_ROUTING_POLICY,
  FALLBACK_REASONS,
  fallsBackOn,
  STRATEGY_PRESETS,
  type FallbackReason,
  type PowerLevelPolicy,
  type RoutingPolicy,
  type RoutingStrategy,
} from './routing-policy';
import { policyFromEvent, routingPolicyDecider, type ChangeRoutingPolicy } from './routing-policy.decider';
import type { RoutingPolicyChanged } from './routing-policy.events';

const given = deciderSpec(routingPolicyDecider);
const now = new Date('2026-11-23T12:00:00.000Z');
const { version: _v, ...defaults } = DEFAULT_ROUTING_POLICY;
type Policy = Omit<RoutingPolicy, 'version'>;

const withBalanced = (change: Partial<PowerLevelPolicy>, policy: Policy = defaults): Policy => ({
  ...policy,
  levels: { ...policy.levels, balanced: { ...policy.levels.balanced, ...change } },
});
const qualityFirst = withBalanced({ strategy: 'custom', weights: { cost: 0, latency: 0, quality: 1 } });
const change = (policy: Policy, expectedVersion?: number): ChangeRoutingPolicy => ({
  type: 'ChangeRoutingPolicy',
  data: { policy, changedBy: 'admin-1', expectedVersion },
  metadata: { now },
});
const decideOn = (policy: Policy): RoutingPolicyChanged[] =>
  routingPolicyDecider.decide(change(policy), routingPolicyDecider.initialState());

/** The ValidationError a change throws, to check the parameter it names. */
const refusal = (policy: Policy): ValidationError => {
  try {
    decideOn(policy);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
};

/** RoutingPolicyChanged as written before strategy presets and fallbackOn existed. */
const oldShapeEvent = {
  type: 'RoutingPolicyChanged',
  data: {
    version: 1,
    levels: {
      eco: {
        weights: { cost: 0.7, latency: 0.2, quality: 0.1 },
        maxPricePer1kMicros: '1000',
        latencyBoundMs: 10_000,
        preferredProviders: [],
      },
      balanced: {
        weights: { cost: 0, latency: 0, quality: 1 },
        maxPricePer1kMicros: '10000',
        latencyBoundMs: 10_000,
        preferredProviders: ['mock-sage'],
      },
      precision: {
        weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
        maxPricePer1kMicros: '100000',
        latencyBoundMs: 30_000,
        preferredProviders: [],
      },
    },
    maxAttempts: 2,
    attemptTimeoutMs: 30_000,
    byokBonus: 0.1,
    changedBy: 'admin-0',
    changedAt: '2026-01-01T00:00:00.000Z',
  },
} as const;
const oldEvent = JSON.parse(JSON.stringify(oldShapeEvent)) as RoutingPolicyChanged;

describe('routing policy decider', () => {
  it('starts from the product defaults and records a change as version 1', () => {
    const [event] = decideOn(qualityFirst);
    expect(event).toMatchObject({ type: 'RoutingPolicyChanged', data: { version: 1, changedBy: 'admin-1' } });
    expect(event!.data.levels.balanced).toMatchObject({
      strategy: 'custom',
      weights: { cost: 0, latency: 0, quality: 1 },
    });
    expect(event!.data.levels.eco.maxPricePer1kMicros).toBe('1000');
    expect(event!.data.fallbackOn).toEqual(FALLBACK_REASONS);
    expect(policyFromEvent(event!.data)).toEqual({ ...qualityFirst, version: 1 });
  });

  it('the defaults are the product brief: eco 0.7/0.2/0.1 ≤ $0.001, balanced 0.4/0.4/0.2 ≤ $0.01, precision 0.1/0.3/0.6 ≤ $0.10', () => {
    expect(DEFAULT_ROUTING_POLICY.levels.eco).toMatchObject({
      strategy: 'cost',
      weights: { cost: 0.7, latency: 0.2, quality: 0.1 },
      maxPricePer1k: 1_000n,
    });
    expect(DEFAULT_ROUTING_POLICY.levels.balanced).toMatchObject({
      strategy: 'balanced',
      weights: { cost: 0.4, latency: 0.4, quality: 0.2 },
      maxPricePer1k: 10_000n,
    });
    expect(DEFAULT_ROUTING_POLICY.levels.precision).toMatchObject({
      strategy: 'custom',
      weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
      maxPricePer1k: 100_000n,
    });
    expect(DEFAULT_ROUTING_POLICY.fallbackOn).toEqual([
      'rate_limited',
      'auth',
      'timeout',
      'server',
      'connection',
    ]);
  });

  it('setting the policy it already has records nothing', () => given([]).when(change(defaults)).then([]));

  it('refuses a change made against another version (If-Match)', () => {
    const first = decideOn(qualityFirst);
    given(first).when(change(defaults, 0)).thenThrows(ConcurrencyError, 'ROUTING.POLICY_VERSION_MISMATCH');
    given(first)
      .when(change(defaults, 1))
      .thenState({ ...defaults, version: 2 });
  });

  it('refuses weights out of range, all-zero weights, and a bad attempt count', () => {
    const zero = {
      ...defaults,
      levels: {
        ...defaults.levels,
        eco: {
          ...defaults.levels.eco,
          strategy: 'custom' as const,
          weights: { cost: 0, latency: 0, quality: 0 },
        },
      },
    };
    given([]).when(change(zero)).thenThrows(ValidationError, 'ROUTING.INVALID_POLICY');
    given([])
      .when(change({ ...defaults, maxAttempts: 0 }))
      .thenThrows(ValidationError, 'ROUTING.INVALID_POLICY');
  });

  describe('strategy presets', () => {
    it('cost, latency and balanced fix the weights (0.7/0.2/0.1, 0.15/0.7/0.15, 0.4/0.4/0.2)', () => {
      expect(STRATEGY_PRESETS).toEqual({
        cost: { cost: 0.7, latency: 0.2, quality: 0.1 },
        latency: { cost: 0.15, latency: 0.7, quality: 0.15 },
        balanced: { cost: 0.4, latency: 0.4, quality: 0.2 },
      });
    });

    it('switching a level to a preset records the strategy with its weights', () => {
      const latencyFirst = withBalanced({ strategy: 'latency', weights: STRATEGY_PRESETS.latency });
      const [event] = decideOn(latencyFirst);
      expect(event!.data.levels.balanced).toMatchObject({
        strategy: 'latency',
        weights: { cost: 0.15, latency: 0.7, quality: 0.15 },
      });
      given([])
        .when(change(latencyFirst))
        .thenState({ ...latencyFirst, version: 1 });
    });

    it('custom takes any valid weights, the preset ones included, and records the change of strategy', () => {
      const custom = withBalanced({
        strategy: 'custom',
        weights: { cost: 0.5, latency: 0.25, quality: 0.25 },
      });
      given([])
        .when(change(custom))
        .thenState({ ...custom, version: 1 });
      // same weights as the balanced preset, but no longer tied to it: a change
      const [event] = decideOn(withBalanced({ strategy: 'custom' }));
      expect(event!.data.levels.balanced).toMatchObject({
        strategy: 'custom',
        weights: STRATEGY_PRESETS.balanced,
      });
    });

    it('a preset with other weights is refused, naming levels.<level>.weights', () => {
      const e = refusal({
        ...defaults,
        levels: {
          ...defaults.levels,
          eco: { ...defaults.levels.eco, weights: { cost: 1, latency: 0, quality: 0 } },
        },
      });
      expect(e.code).toBe('ROUTING.INVALID_POLICY');
      expect(e.details.param).toBe('levels.eco.weights');
      expect(e.message).toContain('levels.eco.weights');
      expect(e.message).toContain('cost 0.7, latency 0.2, quality 0.1');
    });

    it('an unknown strategy is refused, naming levels.<level>.strategy', () => {
      const e = refusal(withBalanced({ strategy: 'fastest' as unknown as RoutingStrategy }));
      expect(e.details.param).toBe('levels.balanced.strategy');
    });
  });

  describe('fallback reasons', () => {
    it('records the reasons in canonical order, so reordering or repeating them changes nothing', () => {
      const noRateLimit: Policy = {
        ...defaults,
        fallbackOn: ['timeout', 'server', 'auth', 'connection', 'server'],
      };
      const [event] = decideOn(noRateLimit);
      expect(event!.data.fallbackOn).toEqual(['auth', 'timeout', 'server', 'connection']);
      given([event!])
        .when(change({ ...defaults, fallbackOn: ['connection', 'server', 'timeout', 'auth'] }))
        .then([]);
    });

    it('an empty list is allowed: no failure falls back', () => {
      const never: Policy = { ...defaults, fallbackOn: [] };
      given([])
        .when(change(never))
        .thenState({ ...never, version: 1 });
    });

    it('refuses a failure that may never fall back (bad_request), naming fallbackOn', () => {
      const e = refusal({
        ...defaults,
        fallbackOn: ['server', 'bad_request'] as unknown as FallbackReason[],
      });
      expect(e.code).toBe('ROUTING.INVALID_POLICY');
      expect(e.details.param).toBe('fallbackOn');
      expect(e.message).toContain('bad_request');
    });

    it('fallsBackOn: only the listed retryable kinds', () => {
      for (const kind of FALLBACK_REASONS) expect(fallsBackOn(DEFAULT_ROUTING_POLICY, kind)).toBe(true);
      for (const kind of ['bad_request', 'not_found', 'stream_interrupted', 'anything'])
        expect(fallsBackOn(DEFAULT_ROUTING_POLICY, kind)).toBe(false);
      const policy = { ...DEFAULT_ROUTING_POLICY, fallbackOn: ['server'] as const };
      expect(fallsBackOn(policy, 'rate_limited')).toBe(false);
      expect(fallsBackOn(policy, 'server')).toBe(true);
    });
  });

  describe('events written before presets and fallbackOn (upcast)', () => {
    it('load with every level custom and every reason falling back', () => {
      const policy = policyFromEvent(oldEvent.data);
      expect(policy.levels.eco).toEqual({
        strategy: 'custom',
        weights: { cost: 0.7, latency: 0.2, quality: 0.1 },
        maxPricePer1k: 1_000n,
        latencyBoundMs: 10_000,
        preferredProviders: [],
        // no latency cap then: the attempt timeout was the only bound
        latencyCapMs: 30_000,
        chain: [],
      });
      expect(policy).toMatchObject({
        preferenceBonus: 0.05,
        requestDeadlineMs: 60_000,
        useCases: {},
        balancing: { enabled: false },
        providerLimits: {},
      });
      expect(policy.levels.balanced).toMatchObject({
        strategy: 'custom',
        weights: { cost: 0, latency: 0, quality: 1 },
      });
      expect(policy).toMatchObject({ version: 1, maxAttempts: 2, fallbackOn: FALLBACK_REASONS });
    });

    it('saving back the upcast policy records nothing; the next change is version 2 in the new shape', () => {
      const { version: _version, ...upcast } = policyFromEvent(oldEvent.data);
      given([oldEvent]).when(change(upcast)).then([]);
      const eco = {
        ...upcast,
        levels: { ...upcast.levels, eco: { ...upcast.levels.eco, strategy: 'cost' as const } },
      };
      given([oldEvent])
        .when(change(eco))
        .thenState({ ...eco, version: 2 });
    });
  });

  describe('routing depth: latency caps, chains, use cases, balancing, provider limits', () => {
    const deep: Policy = {
      ...withBalanced({ latencyCapMs: 3_000, chain: ['mock-sage/sage-medium', 'mock-swift/swift-mini'] }),
      preferenceBonus: 0.2,
      requestDeadlineMs: 45_000,
      useCases: { code: ['mock-atlas/atlas-1'], 'long-context': ['mock-sage/sage-large'] },
      balancing: { enabled: true, bandPercent: 5, weights: { 'mock-swift': 3, 'mock-sage/sage-medium': 1 } },
      providerLimits: { 'mock-swift': { rpm: 600 }, 'mock-sage': { rpm: 100, tpm: 50_000 } },
    };

    it('the defaults: caps 10 s / 5 s / 2 s, preferred providers per level, no chain, balancing off', () => {
      expect(DEFAULT_ROUTING_POLICY.levels.eco).toMatchObject({
        latencyCapMs: 10_000,
        preferredProviders: ['groq', 'deepinfra', 'together'],
        chain: [],
      });
      expect(DEFAULT_ROUTING_POLICY.levels.balanced).toMatchObject({
        latencyCapMs: 5_000,
        preferredProviders: ['openai', 'gemini', 'mistral'],
      });
      expect(DEFAULT_ROUTING_POLICY.levels.precision).toMatchObject({
        latencyCapMs: 2_000,
        preferredProviders: ['anthropic', 'openai'],
      });
      expect(DEFAULT_ROUTING_POLICY).toMatchObject({
        preferenceBonus: 0.05,
        requestDeadlineMs: 120_000,
        balancing: { enabled: false, bandPercent: 2, weights: {} },
      });
    });

    it('records every setting and reads it back as given', () => {
      const [event] = decideOn(deep);
      expect(event!.data).toMatchObject({
        preferenceBonus: 0.2,
        requestDeadlineMs: 45_000,
        useCases: deep.useCases,
        balancing: deep.balancing,
        providerLimits: deep.providerLimits,
      });
      expect(event!.data.levels.balanced).toMatchObject({
        latencyCapMs: 3_000,
        chain: deep.levels.balanced.chain,
      });
      expect(
        policyFromEvent(JSON.parse(JSON.stringify(event!.data)) as RoutingPolicyChanged['data']),
      ).toEqual({
        ...deep,
        version: 1,
      });
    });

    it.each<[string, Policy, string]>([
      ['a latency cap below 100 ms', withBalanced({ latencyCapMs: 50 }), 'levels.balanced.latencyCapMs'],
      ['a fractional latency cap', withBalanced({ latencyCapMs: 1000.5 }), 'levels.balanced.latencyCapMs'],
      ['a chain naming a model twice', withBalanced({ chain: ['a/b', 'a/b'] }), 'levels.balanced.chain'],
      [
        'a chain of 11 models',
        withBalanced({ chain: Array.from({ length: 11 }, (_, i) => `p/m${i}`) }),
        'levels.balanced.chain',
      ],
      ['a preference bonus above 1', { ...defaults, preferenceBonus: 1.5 }, 'preferenceBonus'],
      ['a deadline under a second', { ...defaults, requestDeadlineMs: 500 }, 'requestDeadlineMs'],
      ['a use case with an empty chain', { ...defaults, useCases: { code: [] } }, 'useCases.code'],
      ['a use case named with capitals', { ...defaults, useCases: { Code: ['a/b'] } }, 'useCases.Code'],
      [
        'a balancing band above 50 %',
        { ...defaults, balancing: { enabled: true, bandPercent: 60, weights: {} } },
        'balancing.bandPercent',
      ],
      [
        'a negative weight',
        { ...defaults, balancing: { enabled: true, bandPercent: 2, weights: { 'mock-swift': -1 } } },
        'balancing.weights.mock-swift',
      ],
      [
        'a provider limit of 0 rpm',
        { ...defaults, providerLimits: { openai: { rpm: 0 } } },
        'providerLimits.openai.rpm',
      ],
      [
        'a provider limit with neither rpm nor tpm',
        { ...defaults, providerLimits: { openai: {} } },
        'providerLimits.openai',
      ],
      [
        'a provider limit for "__proto__"',
        { ...defaults, providerLimits: JSON.parse('{"__proto__":{"rpm":1}}') as Policy['providerLimits'] },
        'providerLimits',
      ],
    ])('refuses %s, naming the parameter', (_, policy, param) => {
      expect(refusal(policy).details).toMatchObject({ param });
    });
  });
});
