import { ConcurrencyError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import { DEFAULT_RATE_LIMITS } from './rate-limits';
import { rateLimitsDecider, type ChangeRateLimits } from './rate-limits.decider';
import type { RateLimitPolicyEvent } from './rate-limits.events';

const now = new Date('2026-12-01T12:00:00.000Z');
const given = deciderSpec(rateLimitsDecider);
const change = (patch: unknown, expectedVersion?: number): ChangeRateLimits => ({
  type: 'ChangeRateLimits',
  data: { patch, changedBy: 'admin1', ...(expectedVersion !== undefined && { expectedVersion }) },
  metadata: { now },
});
const changed = (
  version: number,
  free: RateLimitPolicyEvent['data']['tiers']['free'],
): RateLimitPolicyEvent => ({
  type: 'RateLimitsChanged',
  data: {
    version,
    tiers: { ...DEFAULT_RATE_LIMITS, free },
    changedBy: 'admin1',
    changedAt: now.toISOString(),
  },
});
const freeRpm3 = changed(1, { rpm: 3, rph: 100, rpd: 500, tpm: 10_000 });

describe('rate limits decider', () => {
  it('starts at the defaults, version 0 (an empty patch is no change)', () =>
    given([]).when(change({})).then([]));
  it('a patch changes only the tiers and fields it gives, and carries the whole new version', () =>
    given([])
      .when(change({ free: { rpm: 3 } }))
      .then([freeRpm3]));
  it('null makes a limit unlimited', () =>
    given([freeRpm3])
      .when(change({ free: { rpd: null, tpm: 0 } }))
      .then([changed(2, { rpm: 3, rph: 100, rpd: null, tpm: 0 })]));
  it('folds to the changed policy', () =>
    given([])
      .when(change({ free: { rpm: 3 } }))
      .thenState({
        version: 1,
        policy: { ...DEFAULT_RATE_LIMITS, free: { ...DEFAULT_RATE_LIMITS.free, rpm: 3 } },
      }));
  it('the same values again are no change', () =>
    given([freeRpm3])
      .when(change({ free: { rpm: 3 } }))
      .then([]));
  it('a stale If-Match is a concurrency error; the current one applies', () => {
    given([freeRpm3])
      .when(change({ free: { rpm: 4 } }, 0))
      .thenThrows(ConcurrencyError, 'LIMITS.RATE_LIMITS_VERSION_MISMATCH');
    given([freeRpm3])
      .when(change({ free: { rpm: 4 } }, 1))
      .then([changed(2, { rpm: 4, rph: 100, rpd: 500, tpm: 10_000 })]);
  });
  it.each<[string, unknown, string]>([
    ['an unknown tier', { gold: { rpm: 1 } }, 'tiers.gold'],
    ['an unknown field', { free: { rpm: 1, rps: 2 } }, 'tiers.free.rps'],
    ['a negative limit', { starter: { rph: -1 } }, 'tiers.starter.rph'],
    ['a fraction', { free: { tpm: 1.5 } }, 'tiers.free.tpm'],
    ['a string', { free: { rpm: '10' } }, 'tiers.free.rpm'],
    ['a tier that is not an object', { free: 10 }, 'tiers.free'],
    ['tiers that are not an object', [1], 'tiers'],
  ])('refuses %s, naming the field', (_what, patch, param) => {
    let thrown: unknown;
    try {
      rateLimitsDecider.decide(change(patch), rateLimitsDecider.initialState());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ code: 'LIMITS.INVALID_RATE_LIMITS', details: { param } });
    expect((thrown as Error).message).toContain(param);
  });
});
