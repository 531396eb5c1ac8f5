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
});
