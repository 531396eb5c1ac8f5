import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let now = 1_000_000;
  const throttle = () => new LoginThrottle({ maxFailures: 3, windowMs: 60_000 }, () => now);

  it('allows up to the rule, then refuses until the oldest failure leaves the window', () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterMs('alice')).toBe(0);
      t.recordFailure('alice');
      now += 1_000;
    }
    // failures at 1_000_000, 1_001_000, 1_002_000; now 1_003_000
    expect(t.retryAfterMs('alice')).toBe(57_000);
    expect(t.retryAfterMs('bob')).toBe(0);
    now += 57_000;
    expect(t.retryAfterMs('alice')).toBe(0);
  });

  it('a reset (successful sign-in) clears the count', () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) t.recordFailure('carol');
    expect(t.retryAfterMs('carol')).toBeGreaterThan(0);
    t.reset('carol');
    expect(t.retryAfterMs('carol')).toBe(0);
  });
});
