import { toPolicyData } from '../../domain/routing-policy.decider';
import { DEFAULT_ROUTING_POLICY } from '../../domain/routing-policy';
import type { RoutingPolicyChanged } from '../../domain/routing-policy.events';
import { policyHistory } from './get-routing-policy-history.handler';

const changed = (version: number, maxAttempts: number, legacy = false): RoutingPolicyChanged => {
  const levels = {
    eco: toPolicyData(DEFAULT_ROUTING_POLICY.levels.eco),
    balanced: toPolicyData(DEFAULT_ROUTING_POLICY.levels.balanced),
    precision: toPolicyData(DEFAULT_ROUTING_POLICY.levels.precision),
  };
  return {
    type: 'RoutingPolicyChanged',
    data: {
      version,
      levels,
      maxAttempts,
      attemptTimeoutMs: 60_000,
      byokBonus: 0.1,
      ...(legacy ? {} : { fallbackOn: ['timeout'] as const }),
      changedBy: `u${version}`,
      changedAt: `2026-12-0${version}T00:00:00.000Z`,
    },
  } as unknown as RoutingPolicyChanged; // the fields policyHistory reads; no stream metadata
};

describe('policyHistory', () => {
  it('lists every recorded version newest first, with who, when and the whole policy, then the defaults', () => {
    const history = policyHistory([changed(1, 2), changed(2, 5)]);
    expect(history.map((v) => [v.version, v.changedBy, v.changedAt, v.policy.maxAttempts])).toEqual([
      [2, 'u2', '2026-12-02T00:00:00.000Z', 5],
      [1, 'u1', '2026-12-01T00:00:00.000Z', 2],
      [0, null, null, 3],
    ]);
    expect(history[0]!.policy.version).toBe(2);
    expect(history[0]!.policy.fallbackOn).toEqual(['timeout']);
  });

  it('upcasts versions recorded before fallback reasons (every reason) like the decider does', () => {
    const [v] = policyHistory([changed(1, 3, true)]);
    expect(v!.policy.fallbackOn).toEqual(['rate_limited', 'auth', 'timeout', 'server', 'connection']);
  });
});
