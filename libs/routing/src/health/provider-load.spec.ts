import { LOAD_BUCKET_MS, ProviderLoadTracker, rateLimitPenalty } from './provider-load';

describe('ProviderLoadTracker', () => {
  const t0 = 1_000_000 * LOAD_BUCKET_MS; // a bucket boundary

  it('counts requests and tokens per provider over the last minute', () => {
    const load = new ProviderLoadTracker();
    load.record('a', 100, t0);
    load.record('a', 0, t0 + 1_000);
    load.record('b', 50, t0 + 2_000);
    expect(load.requestsInWindow('a', t0 + 2_000)).toBe(2);
    expect(load.tokensInWindow('a', t0 + 2_000)).toBe(100);
    expect(load.requestsInWindow('b', t0 + 2_000)).toBe(1);
    expect(load.requestsInWindow('c', t0)).toBe(0);
  });

  it('forgets what is older than the window, bucket by bucket', () => {
    const load = new ProviderLoadTracker();
    load.record('a', 10, t0);
    load.record('a', 20, t0 + 30_000);
    expect(load.requestsInWindow('a', t0 + 59_999)).toBe(2);
    expect(load.requestsInWindow('a', t0 + 60_000)).toBe(1); // the first bucket has left the window
    expect(load.tokensInWindow('a', t0 + 60_000)).toBe(20);
    // a bucket reused a minute later starts from zero
    load.record('a', 5, t0 + 120_000);
    expect(load.requestsInWindow('a', t0 + 120_000)).toBe(1);
    expect(load.tokensInWindow('a', t0 + 120_000)).toBe(5);
  });

  it('utilization is the larger of requests/rpm and tokens/tpm; 0 without a limit or traffic', () => {
    const load = new ProviderLoadTracker();
    expect(load.utilization('a', { rpm: 10 }, t0)).toBe(0);
    for (let i = 0; i < 5; i++) load.record('a', 1_000, t0);
    expect(load.utilization('a', { rpm: 10 }, t0)).toBe(0.5);
    expect(load.utilization('a', { rpm: 10, tpm: 4_000 }, t0)).toBe(1.25);
    expect(load.utilization('a', {}, t0)).toBe(0);
  });

  it('reads its clock when no time is given', () => {
    let now = t0;
    const load = new ProviderLoadTracker(() => now);
    load.record('a', 1);
    now += 61_000;
    expect(load.requestsInWindow('a')).toBe(0);
  });
});

describe('rateLimitPenalty', () => {
  it('0 under 80 %, linear to 1 at the limit, 1 past it', () => {
    expect(rateLimitPenalty(0.79)).toBe(0);
    expect(rateLimitPenalty(0.8)).toBe(0);
    expect(rateLimitPenalty(0.9)).toBeCloseTo(0.5, 10);
    expect(rateLimitPenalty(1)).toBe(1);
    expect(rateLimitPenalty(3)).toBe(1);
  });
});
