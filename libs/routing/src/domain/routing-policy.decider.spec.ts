import { ConcurrencyError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import { DEFAULT_ROUTING_POLICY, type RoutingPolicy } from './routing-policy';
import { policyFromEvent, routingPolicyDecider, type ChangeRoutingPolicy } from './routing-policy.decider';
import type { RoutingPolicyChanged } from './routing-policy.events';

const given = deciderSpec(routingPolicyDecider);
const now = new Date('2026-11-23T12:00:00.000Z');
const { version: _v, ...defaults } = DEFAULT_ROUTING_POLICY;
const qualityFirst: Omit<RoutingPolicy, 'version'> = {
  ...defaults,
  levels: {
    ...defaults.levels,
    balanced: { ...defaults.levels.balanced, weights: { cost: 0, latency: 0, quality: 1 } },
  },
};
const change = (policy: Omit<RoutingPolicy, 'version'>, expectedVersion?: number): ChangeRoutingPolicy => ({
  type: 'ChangeRoutingPolicy',
  data: { policy, changedBy: 'admin-1', expectedVersion },
  metadata: { now },
});

describe('routing policy decider', () => {
  it('starts from the product defaults and records a change as version 1', () => {
    const [event] = routingPolicyDecider.decide(change(qualityFirst), routingPolicyDecider.initialState());
    expect(event).toMatchObject({ type: 'RoutingPolicyChanged', data: { version: 1, changedBy: 'admin-1' } });
    expect(event!.data.levels.balanced.weights).toEqual({ cost: 0, latency: 0, quality: 1 });
    expect(event!.data.levels.eco.maxPricePer1kMicros).toBe('1000');
    expect(policyFromEvent(event!.data)).toEqual({ ...qualityFirst, version: 1 });
  });

  it('the defaults are the product brief: eco 0.7/0.2/0.1 ≤ $0.001, balanced 0.4/0.4/0.2 ≤ $0.01, precision 0.1/0.3/0.6 ≤ $0.10', () => {
    expect(DEFAULT_ROUTING_POLICY.levels.eco).toMatchObject({
      weights: { cost: 0.7, latency: 0.2, quality: 0.1 },
      maxPricePer1k: 1_000n,
    });
    expect(DEFAULT_ROUTING_POLICY.levels.balanced).toMatchObject({
      weights: { cost: 0.4, latency: 0.4, quality: 0.2 },
      maxPricePer1k: 10_000n,
    });
    expect(DEFAULT_ROUTING_POLICY.levels.precision).toMatchObject({
      weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
      maxPricePer1k: 100_000n,
    });
  });

  it('setting the policy it already has records nothing', () => given([]).when(change(defaults)).then([]));

  it('refuses a change made against another version (If-Match)', () => {
    const first = routingPolicyDecider.decide(
      change(qualityFirst),
      routingPolicyDecider.initialState(),
    ) as RoutingPolicyChanged[];
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
        eco: { ...defaults.levels.eco, weights: { cost: 0, latency: 0, quality: 0 } },
      },
    };
    given([]).when(change(zero)).thenThrows(ValidationError, 'ROUTING.INVALID_POLICY');
    given([])
      .when(change({ ...defaults, maxAttempts: 0 }))
      .thenThrows(ValidationError, 'ROUTING.INVALID_POLICY');
  });
});
