import { breakerUptime, healthyBuckets, openSpans } from './breaker-uptime';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('breaker uptime', () => {
  it('given no changes, the whole window is up', () => {
    expect(breakerUptime([], T0, T0 + HOUR)).toBe(1);
  });

  it('given a circuit open for 6 whole minutes of an hour, uptime is 54/60', () => {
    const changes = [
      { kind: 'degraded' as const, atMs: T0 + 10 * MIN },
      { kind: 'recovered' as const, atMs: T0 + 16 * MIN },
    ];
    expect(breakerUptime(changes, T0, T0 + HOUR)).toBeCloseTo(54 / 60, 10);
  });

  it('a minute touched by an open circuit at all counts as down', () => {
    const changes = [
      { kind: 'degraded' as const, atMs: T0 + 10 * MIN + 30_000 },
      { kind: 'recovered' as const, atMs: T0 + 11 * MIN + 1 },
    ];
    // minutes 10 and 11 are touched
    expect(breakerUptime(changes, T0, T0 + HOUR)).toBeCloseTo(58 / 60, 10);
  });

  it('a circuit opened before the window and never recovered is down all window', () => {
    const changes = [{ kind: 'degraded' as const, atMs: T0 - 5 * HOUR }];
    expect(breakerUptime(changes, T0, T0 + HOUR)).toBe(0);
  });

  it('a circuit that recovered before the window does not count; changes in any order', () => {
    const changes = [
      { kind: 'recovered' as const, atMs: T0 - HOUR },
      { kind: 'degraded' as const, atMs: T0 + 30 * MIN },
      { kind: 'degraded' as const, atMs: T0 - 2 * HOUR },
    ];
    expect(breakerUptime(changes, T0, T0 + HOUR)).toBeCloseTo(30 / 60, 10);
  });

  it('open spans are clipped to the window', () => {
    const changes = [
      { kind: 'degraded' as const, atMs: T0 - HOUR },
      { kind: 'recovered' as const, atMs: T0 + 5 * MIN },
      { kind: 'degraded' as const, atMs: T0 + 50 * MIN },
    ];
    expect(openSpans(changes, T0, T0 + HOUR)).toEqual([
      { fromMs: T0, toMs: T0 + 5 * MIN },
      { fromMs: T0 + 50 * MIN, toMs: T0 + HOUR },
    ]);
  });

  it('hourly buckets: an hour with any open moment is unhealthy, a span ending on a boundary spares the next hour', () => {
    const spans = [{ fromMs: T0 + HOUR + 59 * MIN, toMs: T0 + 2 * HOUR }];
    expect(healthyBuckets(spans, T0, HOUR, 4)).toEqual([true, false, true, true]);
  });
});
