import { ProviderHealthTracker } from './provider-health-tracker';
import type { BreakerTransition } from './circuit-breaker';

describe('ProviderHealthTracker', () => {
  let now = 0;
  const transitions: Array<[string, BreakerTransition]> = [];
  const tracker = () =>
    new ProviderHealthTracker(
      (p, t) => transitions.push([p, t]),
      { consecutiveFailures: 2, errorRate: 1, window: 10, minSamples: 10, cooldownMs: 10_000 },
      () => now,
    );
  beforeEach(() => {
    now = 0;
    transitions.length = 0;
  });

  it('honours retry-after: the provider is skipped until then, others are not', () => {
    const t = tracker();
    t.recordFailure('a', 'rate_limited', 3_000);
    expect(t.isAvailable('a')).toBe(false);
    expect(t.isAvailable('b')).toBe(true);
    now = 3_001;
    expect(t.isAvailable('a')).toBe(true);
  });

  it('says how long until a provider may be tried again', () => {
    const t = tracker();
    expect(t.unavailableForMs('a')).toBeUndefined();
    t.recordFailure('a', 'rate_limited', 3_000);
    now = 1_000;
    expect(t.unavailableForMs('a')).toBe(2_000);
    t.recordFailure('a', 'server'); // second failure in a row opens the circuit too
    expect(t.unavailableForMs('a')).toBe(2_000); // the pause first: panic mode may try it after that
    now = 3_000;
    expect(t.unavailableForMs('a')).toBe(8_000); // then the rest of the 10 s cooldown
  });

  it('caps retry-after at the cooldown', () => {
    const t = tracker();
    t.recordFailure('a', 'rate_limited', 3_600_000);
    now = 10_001;
    expect(t.isAvailable('a')).toBe(true);
  });

  it('reports breaker transitions with the provider, and penalises the error rate', () => {
    const t = tracker();
    t.recordFailure('a', 'server');
    t.recordFailure('a', 'server');
    expect(transitions.map(([p, x]) => [p, x.to])).toEqual([['a', 'open']]);
    expect(t.errorRate('a')).toBeGreaterThan(0.15);
    expect(t.snapshot('a')).toMatchObject({ state: 'open', recentErrorRate: 1 });
    now = 10_001;
    expect(t.isAvailable('a')).toBe(true);
    t.recordSuccess('a', 'a/m', 100);
    expect(transitions.map(([, x]) => x.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('failed probes open the circuit like failed requests; a good probe closes it before the cooldown', () => {
    const t = tracker();
    t.recordProbe('a', { ok: false, reason: 'connection' });
    t.recordProbe('a', { ok: false, reason: 'connection' });
    expect(t.isAvailable('a')).toBe(false);
    expect(transitions.map(([p, tr]) => [p, tr.to, tr.reason])).toEqual([
      ['a', 'open', expect.stringContaining('probe: connection')],
    ]);
    now = 1_000; // well inside the 10 s cooldown
    t.recordProbe('a', { ok: true });
    expect(t.isAvailable('a')).toBe(true);
    expect(transitions[1]?.[1]).toMatchObject({ from: 'open', to: 'closed' });
  });

  it('a good probe does not lift a retry-after pause; on a healthy provider it reports nothing', () => {
    const t = tracker();
    t.recordFailure('a', 'rate_limited', 5_000);
    t.recordProbe('a', { ok: true });
    expect(t.isAvailable('a')).toBe(false);
    t.recordProbe('b', { ok: true });
    expect(transitions).toEqual([]);
  });

  it('keeps circuits, pauses and error rates per credential: one rate-limited key pauses only itself', () => {
    const t = tracker();
    t.recordFailure('a', 'rate_limited', 5_000, { credential: 'byok:k1' });
    t.recordFailure('a', 'auth', undefined, { credential: 'byok:k1' });
    expect(t.availability('a', 'byok:k1')).toEqual({ kind: 'paused', untilMs: 5_000 });
    expect(t.isAvailable('a')).toBe(true);
    expect(t.isAvailable('a', 'byok:k2')).toBe(true);
    expect(t.errorRate('a')).toBe(0);
    expect(t.snapshot('a', 'byok:k1')).toMatchObject({ credential: 'byok:k1', state: 'open' });
    // reported with its credential (the gateway records only the platform key's as events)
    expect(transitions.map(([p, x]) => [p, x.to])).toEqual([['a', 'open']]);
  });

  it('says why a credential is unavailable and when it last failed (panic mode orders by it)', () => {
    const t = tracker();
    expect(t.availability('a')).toEqual({ kind: 'available' });
    now = 50;
    t.recordFailure('a', 'server');
    now = 70;
    t.recordFailure('a', 'server');
    expect(t.availability('a')).toEqual({ kind: 'circuit_open', untilMs: 10_070, lastFailureAt: 70 });
    expect(t.snapshot('a').lastFailureAt).toBe(new Date(70).toISOString());
  });

  it('a panic-mode trial that succeeds closes the open circuit at once', () => {
    const t = tracker();
    t.recordFailure('a', 'server');
    t.recordFailure('a', 'server');
    now = 100;
    t.recordSuccess('a', 'a/m', 20, { trial: true });
    expect(t.isAvailable('a')).toBe(true);
    expect(transitions.map(([, x]) => x.to)).toEqual(['open', 'closed']);
  });
});
