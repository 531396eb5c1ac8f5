import { randomUUID } from 'node:crypto';
import { DEFAULT_WINDOWS, type WindowLimits } from '../domain/rate-limits';
import type { RateLimiter } from '../limiter/rate-limiter';

export interface RateLimiterHarness {
  readonly limiter: RateLimiter;
  /** Another limiter instance over the same shared state (a second gateway; its own client). */
  readonly twin: RateLimiter;
  /** Moves the limiter's clock on; absent when time is not ours to move (Redis's TIME). */
  readonly advance?: (ms: number) => void;
  close(): Promise<void>;
}

const limits = (l: Partial<WindowLimits>): WindowLimits => ({
  rpm: null,
  rph: null,
  rpd: null,
  tpm: null,
  ...l,
});

/** The RateLimiter contract: every adapter runs it (STYLE.md §8). */
export function rateLimiterContract(name: string, make: () => Promise<RateLimiterHarness>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let h: RateLimiterHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(() => h.close());
    const subject = (): string => randomUUID();

    it('allows up to the limit, then refuses with Retry-After, and a refusal consumes nothing', async () => {
      const s = subject();
      const l = limits({ rpm: 3 });
      const first = await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      expect(first).toMatchObject({ allowed: true, refused: [], retryAfterMs: 0 });
      expect(first.windows.rpm).toEqual({ limit: 3, remaining: 2, resetMs: DEFAULT_WINDOWS.rpm });
      await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      const third = await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      expect(third.windows.rpm?.remaining).toBe(0);
      for (let i = 0; i < 3; i++) {
        const refused = await h.limiter.check({ subject: s, limits: l, tokens: 0 });
        expect(refused.allowed).toBe(false);
        expect(refused.refused).toEqual(['rpm']);
        expect(refused.windows.rpm?.remaining).toBe(0);
        // The first request leaves the window first: at most a minute from now, and not much less.
        expect(refused.retryAfterMs).toBeGreaterThan(DEFAULT_WINDOWS.rpm - 5_000);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(DEFAULT_WINDOWS.rpm);
        expect(refused.windows.rpm?.resetMs).toBe(refused.retryAfterMs);
      }
      // Raising the limit: the refused requests were never counted, so exactly one more fits.
      const raised = limits({ rpm: 4 });
      expect((await h.limiter.check({ subject: s, limits: raised, tokens: 0 })).allowed).toBe(true);
      expect((await h.limiter.check({ subject: s, limits: raised, tokens: 0 })).allowed).toBe(false);
    });

    it('checks every window at once: one that is full refuses, and none of them counts the request', async () => {
      const s = subject();
      const l = limits({ rpm: 10, rph: 2, rpd: 100, tpm: 1_000 });
      expect((await h.limiter.check({ subject: s, limits: l, tokens: 100 })).allowed).toBe(true);
      const second = await h.limiter.check({ subject: s, limits: l, tokens: 100 });
      expect(second.windows).toMatchObject({
        rpm: { limit: 10, remaining: 8 },
        rph: { limit: 2, remaining: 0 },
        rpd: { limit: 100, remaining: 98 },
        tpm: { limit: 1_000, remaining: 800 },
      });
      const refused = await h.limiter.check({ subject: s, limits: l, tokens: 100 });
      expect(refused).toMatchObject({ allowed: false, refused: ['rph'] });
      expect(refused.retryAfterMs).toBeGreaterThan(DEFAULT_WINDOWS.rph - 5_000);
      expect(refused.windows).toMatchObject({
        rpm: { remaining: 8 },
        rpd: { remaining: 98 },
        tpm: { remaining: 800 },
      });
    });

    it('counts tokens per minute: a request that does not fit is refused, a smaller one fits', async () => {
      const s = subject();
      const l = limits({ rpm: 100, tpm: 1_000 });
      expect((await h.limiter.check({ subject: s, limits: l, tokens: 700 })).allowed).toBe(true);
      const big = await h.limiter.check({ subject: s, limits: l, tokens: 301 });
      expect(big).toMatchObject({ allowed: false, refused: ['tpm'] });
      expect(big.windows.tpm).toMatchObject({ limit: 1_000, remaining: 300 });
      expect(big.windows.rpm?.remaining).toBe(99); // not counted
      const fits = await h.limiter.check({ subject: s, limits: l, tokens: 300 });
      expect(fits.allowed).toBe(true);
      expect(fits.windows.tpm?.remaining).toBe(0);
      // Larger than the whole limit: it never fits, refused for a whole window.
      const never = await h.limiter.check({ subject: s, limits: l, tokens: 1_001 });
      expect(never).toMatchObject({ allowed: false, refused: ['tpm'], retryAfterMs: DEFAULT_WINDOWS.tpm });
    });

    it('records tokens after the fact (a correction), without checking', async () => {
      const s = subject();
      const l = limits({ tpm: 1_000 });
      await h.limiter.check({ subject: s, limits: l, tokens: 600 });
      await h.limiter.record(s, l, 500);
      const over = await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      expect(over).toMatchObject({ allowed: false, refused: ['tpm'] });
      expect(over.windows.tpm?.remaining).toBe(0);
      await h.limiter.record(s, l, -400); // the real output was smaller than the estimate
      const back = await h.limiter.check({ subject: s, limits: l, tokens: 300 });
      expect(back.allowed).toBe(true);
      expect(back.windows.tpm?.remaining).toBe(0);
    });

    it('unlimited windows are absent from the answer and never refuse; a limit of 0 refuses everything', async () => {
      const s = subject();
      const open = await h.limiter.check({ subject: s, limits: limits({ rpm: 5 }), tokens: 10 ** 9 });
      expect(open.allowed).toBe(true);
      expect(Object.keys(open.windows)).toEqual(['rpm']);
      const zero = await h.limiter.check({ subject: s, limits: limits({ rpd: 0 }), tokens: 0 });
      expect(zero).toMatchObject({ allowed: false, refused: ['rpd'], retryAfterMs: DEFAULT_WINDOWS.rpd });
    });

    it('subjects are counted apart', async () => {
      const l = limits({ rpm: 1 });
      const a = subject();
      expect((await h.limiter.check({ subject: a, limits: l, tokens: 0 })).allowed).toBe(true);
      expect((await h.limiter.check({ subject: a, limits: l, tokens: 0 })).allowed).toBe(false);
      expect((await h.limiter.check({ subject: subject(), limits: l, tokens: 0 })).allowed).toBe(true);
    });

    it('300 concurrent checks at 100/min through two limiter instances: exactly 100 allowed', async () => {
      const s = subject();
      const l = limits({ rpm: 100, rph: 5_000, rpd: 50_000, tpm: 500_000 });
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          (i % 2 === 0 ? h.limiter : h.twin).check({ subject: s, limits: l, tokens: 10 }),
        ),
      );
      const allowed = results.filter((r) => r.allowed);
      expect(allowed).toHaveLength(100);
      expect(
        results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0 && r.refused[0] === 'rpm'),
      ).toBe(true);
      // Every remaining count from 99 down to 0 was handed out once.
      expect(allowed.map((r) => r.windows.rpm!.remaining).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 100 }, (_, i) => i),
      );
      const after = await h.twin.check({ subject: s, limits: l, tokens: 0 });
      expect(after.windows.tpm?.remaining).toBe(500_000 - 1_000);
    });
  });
}

/** Cases that need to move time: only adapters whose clock the test owns. */
export function rateLimiterClockContract(
  name: string,
  make: () => Promise<RateLimiterHarness & { advance: (ms: number) => void }>,
): void {
  describe(`RateLimiter contract (time moves): ${name}`, () => {
    let h: RateLimiterHarness & { advance: (ms: number) => void };
    beforeEach(async () => {
      h = await make();
    });
    afterEach(() => h.close());

    it('the window slides: each request leaves it exactly a window after it came', async () => {
      const s = randomUUID();
      const l = limits({ rpm: 2 });
      await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      h.advance(20_000);
      await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      h.advance(10_000);
      const refused = await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      expect(refused).toMatchObject({ allowed: false, retryAfterMs: 30_000 });
      expect(refused.windows.rpm).toEqual({ limit: 2, remaining: 0, resetMs: 30_000 });
      h.advance(29_999);
      expect((await h.limiter.check({ subject: s, limits: l, tokens: 0 })).allowed).toBe(false);
      h.advance(1);
      const allowed = await h.limiter.check({ subject: s, limits: l, tokens: 0 });
      expect(allowed.allowed).toBe(true);
      expect(allowed.windows.rpm).toEqual({ limit: 2, remaining: 0, resetMs: 20_000 });
    });

    it('tokens leave the window with the request that brought them; Retry-After is when enough have left', async () => {
      const s = randomUUID();
      const l = limits({ tpm: 1_000 });
      await h.limiter.check({ subject: s, limits: l, tokens: 400 });
      h.advance(10_000);
      await h.limiter.check({ subject: s, limits: l, tokens: 400 });
      h.advance(10_000);
      // 800 used; 700 needs 500 freed: both entries must go, the second leaves at 70 s.
      expect(await h.limiter.check({ subject: s, limits: l, tokens: 700 })).toMatchObject({
        allowed: false,
        retryAfterMs: 50_000,
      });
      // 300 needs 100 freed: the first entry leaves at 60 s.
      expect(await h.limiter.check({ subject: s, limits: l, tokens: 300 })).toMatchObject({
        allowed: false,
        retryAfterMs: 40_000,
      });
      h.advance(40_000);
      expect((await h.limiter.check({ subject: s, limits: l, tokens: 300 })).allowed).toBe(true);
    });

    it('a request and its correction that cancel out leave the window together, and the next check still answers', async () => {
      const s = randomUUID();
      const l = limits({ tpm: 1_000 });
      expect((await h.limiter.check({ subject: s, limits: l, tokens: 300 })).allowed).toBe(true);
      await h.limiter.record(s, l, -300); // it used nothing: the correction gives all 300 back
      h.advance(60_001);
      // Both leave now, 0 tokens freed in all (Redis refuses HINCRBY by '-0').
      const next = await h.limiter.check({ subject: s, limits: l, tokens: 1_000 });
      expect(next).toMatchObject({ allowed: true });
      expect(next.windows.tpm).toMatchObject({ limit: 1_000, remaining: 0 });
    });

    it('the hour and the day hold after the minute has passed', async () => {
      const s = randomUUID();
      const l = limits({ rpm: 10, rph: 3, rpd: 4 });
      for (let i = 0; i < 3; i++) {
        expect((await h.limiter.check({ subject: s, limits: l, tokens: 0 })).allowed).toBe(true);
        h.advance(61_000);
      }
      expect(await h.limiter.check({ subject: s, limits: l, tokens: 0 })).toMatchObject({
        allowed: false,
        refused: ['rph'],
        retryAfterMs: 3_600_000 - 3 * 61_000,
      });
      h.advance(3_600_000);
      expect((await h.limiter.check({ subject: s, limits: l, tokens: 0 })).allowed).toBe(true);
      expect(await h.limiter.check({ subject: s, limits: l, tokens: 0 })).toMatchObject({
        allowed: false,
        refused: ['rpd'],
      });
    });
  });
}
