import {
  DEFAULT_LOGIN_THROTTLE,
  LoginThrottle,
  SignInThrottle,
  type SignInAdmission,
} from './login-throttle';
import { signInGateContract } from './sign-in-throttle.contract';

describe('LoginThrottle', () => {
  let now = 1_000_000;
  const throttle = () => new LoginThrottle({ maxFailures: 3, windowMs: 60_000 }, () => now);

  it('allows up to the rule, then refuses until the oldest attempt leaves the window', () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterMs('alice')).toBe(0);
      t.take('alice');
      now += 1_000;
    }
    // attempts at 1_000_000, 1_001_000, 1_002_000; now 1_003_000
    expect(t.retryAfterMs('alice')).toBe(57_000);
    expect(t.retryAfterMs('bob')).toBe(0);
    now += 57_000;
    expect(t.retryAfterMs('alice')).toBe(0);
  });

  it('a reset clears the count; an attempt given back does not count', () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) t.take('carol');
    expect(t.retryAfterMs('carol')).toBeGreaterThan(0);
    t.reset('carol');
    expect(t.retryAfterMs('carol')).toBe(0);
    const at = t.take('dave');
    t.take('dave');
    t.giveBack('dave', at);
    t.take('dave');
    expect(t.retryAfterMs('dave')).toBe(0);
  });
});

describe('SignInThrottle', () => {
  let now = 5_000_000;
  const rules = {
    perUsernameAndAddress: { maxFailures: 5, windowMs: 15 * 60_000 },
    perAddress: { maxFailures: 20, windowMs: 15 * 60_000 },
    perUsername: { maxFailures: 100, windowMs: 60 * 60_000 },
  };
  const admitted = (a: SignInAdmission): boolean => a.admitted;

  it('the defaults: 5 per username and address, 20 per address, a slower 100 an hour per username', () => {
    expect(DEFAULT_LOGIN_THROTTLE).toEqual(rules);
  });

  it('given 40 attempts at once for one username from one address, when none has finished, then 5 are admitted', () => {
    const t = new SignInThrottle(rules, () => now);
    const results = Array.from({ length: 40 }, () => t.admit('alice', '10.0.0.1'));
    expect(results.filter(admitted)).toHaveLength(5);
    const refused = results.find((r) => !r.admitted);
    expect(refused).toEqual({ admitted: false, retryAfterMs: 15 * 60_000 });
  });

  it('given 40 attempts at once from one address for 40 usernames, then 20 are admitted', () => {
    const t = new SignInThrottle(rules, () => now);
    const results = Array.from({ length: 40 }, (_, i) => t.admit(`user-${i}`, '10.0.0.2'));
    expect(results.filter(admitted)).toHaveLength(20);
  });

  it("given a failure streak from one address, then the owner's right password from another address is admitted", () => {
    const t = new SignInThrottle(rules, () => now);
    for (let i = 0; i < 5; i++) {
      const a = t.admit('bob', '203.0.113.9');
      if (a.admitted) a.attempt.failed();
    }
    expect(t.admit('bob', '203.0.113.9').admitted).toBe(false);
    expect(t.admit('bob', '198.51.100.7').admitted).toBe(true);
  });

  it('given failures for one username from many addresses, then the per-username bound refuses the next', () => {
    const t = new SignInThrottle(rules, () => now);
    for (let i = 0; i < 100; i++) expect(t.admit('carol', `10.1.${i >> 8}.${i & 255}`).admitted).toBe(true);
    expect(t.admit('carol', '10.9.9.9')).toEqual({ admitted: false, retryAfterMs: 60 * 60_000 });
  });

  it("given a success, then it frees the username's streak from that address but not the address's count", () => {
    const t = new SignInThrottle({ ...rules, perAddress: { maxFailures: 5, windowMs: 60_000 } }, () => now);
    for (let i = 0; i < 4; i++) t.admit('dave', '10.0.0.3');
    const right = t.admit('dave', '10.0.0.3');
    if (!right.admitted) throw new Error('expected admission');
    right.attempt.succeeded();
    // dave's streak from 10.0.0.3 is gone; the address keeps its 4 failures (the success is given back):
    // one more attempt fills it
    expect(t.admit('dave', '10.0.0.3').admitted).toBe(true);
    expect(t.admit('erin', '10.0.0.3').admitted).toBe(false);
  });

  it('a refused key is admitted again once its oldest attempt has left the window', () => {
    const t = new SignInThrottle(rules, () => now);
    for (let i = 0; i < 5; i++) t.admit('frank', '10.0.0.4');
    const refused = t.admit('frank', '10.0.0.4');
    expect(refused.admitted).toBe(false);
    now += refused.admitted ? 0 : refused.retryAfterMs;
    expect(t.admit('frank', '10.0.0.4').admitted).toBe(true);
  });
});

signInGateContract('memory', () => {
  const gate = new SignInThrottle();
  return Promise.resolve({ gate, twin: gate, close: () => Promise.resolve() });
});
