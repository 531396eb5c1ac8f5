import { CircuitBreaker, type BreakerSettings } from './circuit-breaker';

const settings: BreakerSettings = {
  consecutiveFailures: 3,
  errorRate: 0.5,
  window: 10,
  minSamples: 6,
  cooldownMs: 1_000,
};

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, and refuses traffic during the cooldown', () => {
    const b = new CircuitBreaker(settings);
    expect(b.recordFailure(0, 'server')).toBeUndefined();
    expect(b.recordFailure(1, 'server')).toBeUndefined();
    const opened = b.recordFailure(2, 'rate_limited');
    expect(opened).toMatchObject({ from: 'closed', to: 'open', consecutiveFailures: 3 });
    expect(opened!.reason).toContain('3 consecutive failures');
    expect(b.allows(500).allowed).toBe(false);
  });

  it('opens on the error rate even without a run of failures', () => {
    const b = new CircuitBreaker(settings);
    // failure, success, failure, success, failure, failure: never 3 in a row, but 4 of 6 failed
    const outcomes = [false, true, false, true, false, false];
    const events = outcomes.map((ok, i) => (ok ? b.recordSuccess(i) : b.recordFailure(i, 'server')));
    expect(events.filter(Boolean)).toEqual([expect.objectContaining({ to: 'open', consecutiveFailures: 2 })]);
    expect(events[5]!.reason).toContain('error rate 67 %');
    expect(b.current).toBe('open');
  });

  it('half-opens after the cooldown and closes on the first success', () => {
    const b = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) b.recordFailure(i, 'server');
    const probe = b.allows(1_002);
    expect(probe).toMatchObject({ allowed: true, transition: { from: 'open', to: 'half_open' } });
    expect(b.recordSuccess(1_003)).toMatchObject({ from: 'half_open', to: 'closed' });
    expect(b.allows(1_004)).toEqual({ allowed: true });
    expect(b.errorRate()).toBe(0);
  });

  it('goes back to open when the probe fails, with a new cooldown', () => {
    const b = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) b.recordFailure(i, 'server');
    b.allows(1_002);
    expect(b.recordFailure(1_003, 'server')).toMatchObject({ from: 'half_open', to: 'open' });
    expect(b.allows(1_500).allowed).toBe(false);
    expect(b.allows(2_004).allowed).toBe(true);
  });

  it('successes reset the run of failures', () => {
    const b = new CircuitBreaker(settings);
    b.recordFailure(0, 'server');
    b.recordFailure(1, 'server');
    b.recordSuccess(2);
    expect(b.recordFailure(3, 'server')).toBeUndefined();
    expect(b.current).toBe('closed');
  });

  it('panic mode: a trial that succeeds while the circuit is open closes it at once', () => {
    const b = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) b.recordFailure(i, 'server');
    expect(b.recordSuccess(100)).toBeUndefined(); // an answer that was merely in flight: still open
    expect(b.current).toBe('open');
    expect(b.recordSuccess(101, true)).toMatchObject({
      from: 'open',
      to: 'closed',
      reason: expect.stringContaining('trial request succeeded'),
    });
    expect(b.allows(102).allowed).toBe(true);
  });

  it('panic mode: a failed trial starts the cooldown again', () => {
    const b = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) b.recordFailure(i, 'server');
    expect(b.recordFailure(900, 'server', true)).toBeUndefined();
    expect(b.openSince).toBe(900);
    expect(b.allows(1_500).allowed).toBe(false); // the old cooldown would have ended at 1 002
    expect(b.allows(1_900).allowed).toBe(true);
  });
});
