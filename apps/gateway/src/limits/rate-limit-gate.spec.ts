import { Counter } from 'prom-client';
import { InMemoryRateLimiter, RateLimitPolicyView, RateLimits } from '@gw/limits';
import {
  formatReset,
  rateLimitHeaders,
  RateLimitExceededError,
  admissionTokens,
  RateLimitGate,
  tokenCorrection,
} from './rate-limit-gate';

describe('rate-limit headers', () => {
  it.each([
    [0, '0ms'],
    [20, '20ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [1_001, '2s'],
    [59_500, '1m0s'],
    [360_000, '6m0s'],
    [3_600_000, '1h0m0s'],
    [3_661_000, '1h1m1s'],
  ])('formats %d ms as %s', (ms, text) => expect(formatReset(ms)).toBe(text));

  it('reports the tightest request window and tpm; unlimited ones are left out', () => {
    const headers = rateLimitHeaders({
      allowed: true,
      refused: [],
      retryAfterMs: 0,
      windows: {
        rpm: { limit: 100, remaining: 99, resetMs: 60_000 },
        rph: { limit: 5_000, remaining: 12, resetMs: 1_200_000 },
        tpm: { limit: 500_000, remaining: 499_000, resetMs: 59_000 },
      },
    });
    expect(headers).toEqual({
      'x-ratelimit-limit-requests': '5000',
      'x-ratelimit-remaining-requests': '12',
      'x-ratelimit-reset-requests': '20m0s',
      'x-ratelimit-limit-tokens': '500000',
      'x-ratelimit-remaining-tokens': '499000',
      'x-ratelimit-reset-tokens': '59s',
    });
    expect(rateLimitHeaders({ allowed: true, refused: [], retryAfterMs: 0, windows: {} })).toEqual({});
  });

  it('a refusal is a 429 in OpenAI shape with Retry-After in whole seconds (at least 1) and the refusing window', () => {
    const error = new RateLimitExceededError(
      'free',
      {
        allowed: false,
        refused: ['rpm'],
        retryAfterMs: 300,
        windows: {
          rpm: { limit: 3, remaining: 0, resetMs: 300 },
          rph: { limit: 100, remaining: 97, resetMs: 3_000_000 },
        },
      },
      5,
    ).toErrorResponse();
    expect(error).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      param: null,
    });
    expect(error.headers).toEqual({
      'retry-after': '1',
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '300ms',
    });
    expect(error.message).toContain('3 requests per minute');
  });

  it('counts the prompt estimate plus the requested output at admission', () => {
    const messages = [{ role: 'user' as const, content: 'hello world' }];
    const prompt = admissionTokens({ messages } as never);
    expect(prompt).toBeGreaterThan(0);
    expect(admissionTokens({ messages, max_tokens: 100 } as never)).toBe(prompt + 100);
    expect(admissionTokens({ messages, max_tokens: 100, max_completion_tokens: 7 } as never)).toBe(
      prompt + 7,
    );
  });

  it('once answered, tokens per minute count what was used instead of what was admitted', async () => {
    const limits = new RateLimits(new RateLimitPolicyView(), new InMemoryRateLimiter());
    const gate = new RateLimitGate(
      limits,
      new Counter({ name: 't_refusals', help: 'h', labelNames: ['tier', 'dimension'], registers: [] }),
    );
    const principal = { userId: 'u', tier: 'free' } as never;
    const dto = { messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 4_000 } as never;
    const left = async () =>
      Number(
        (await gate.admit(principal, { ...(dto as object), max_tokens: 0 } as never))[
          'x-ratelimit-remaining-tokens'
        ],
      );
    await gate.admit(principal, dto);
    const before = await left();
    gate.correct(principal, admissionTokens(dto), 50);
    const after = await left();
    // The 4,000 output tokens it could have had are given back, less the 50 it used.
    expect(after - before).toBeGreaterThan(3_900);
  });
});

describe('tokenCorrection (tokens per minute once the usage is known)', () => {
  it('given a trusted usage below what was admitted, when corrected, then the difference is given back', () => {
    expect(tokenCorrection(600, 120, false)).toBe(-480);
  });

  it('given a usage above what was admitted, when corrected, then the rest is counted, clamped or not', () => {
    expect(tokenCorrection(100, 150, false)).toBe(50);
    expect(tokenCorrection(100, 150, true)).toBe(50);
  });

  it('given a clamped usage below what was admitted, when corrected, then nothing is given back', () => {
    expect(tokenCorrection(600, 120, true)).toBe(0);
  });

  it('given a count that is not a finite number, when corrected, then the window is left as admitted', () => {
    expect(tokenCorrection(600, Number.NaN, false)).toBe(0);
    expect(tokenCorrection(600, Number.NEGATIVE_INFINITY, false)).toBe(0);
  });
});
