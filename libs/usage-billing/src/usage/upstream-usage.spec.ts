import { sanitizeUpstreamUsage, UPSTREAM_TOKEN_CEILING, type ReportedUsage } from './upstream-usage';

const ESTIMATE = { promptTokens: 42, completionTokens: 7 };
const reported = (over: Partial<Record<keyof ReportedUsage, unknown>> = {}): ReportedUsage => ({
  promptTokens: 100,
  completionTokens: 20,
  ...over,
});

describe('sanitizeUpstreamUsage', () => {
  it('given valid counts, when sanitized, then they are kept, unflagged, and the estimate is never asked', () => {
    const estimate = jest.fn(() => ESTIMATE);
    const out = sanitizeUpstreamUsage(
      reported({ cachedTokens: 30, cacheWriteTokens: 50, cacheWrite1hTokens: 10, reasoningTokens: 5 }),
      estimate,
    );
    expect(out).toEqual({
      usage: {
        promptTokens: 100,
        completionTokens: 20,
        cachedTokens: 30,
        cacheWriteTokens: 50,
        cacheWrite1hTokens: 10,
        reasoningTokens: 5,
      },
      clamped: false,
      refused: [],
    });
    expect(estimate).not.toHaveBeenCalled();
  });

  it('given absent or null details, when sanitized, then they count 0 and are no refusal', () => {
    const out = sanitizeUpstreamUsage(
      reported({ cachedTokens: null, reasoningTokens: undefined }),
      () => ESTIMATE,
    );
    expect(out.usage).toMatchObject({ cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    expect(out.clamped).toBe(false);
  });

  it.each<[string, unknown]>([
    ['negative', -1e9],
    ['minus one', -1],
    ['fractional', 12.5],
    ['NaN', Number.NaN],
    ['Infinity (JSON 1e400)', Number.POSITIVE_INFINITY],
    ['above the ceiling', UPSTREAM_TOKEN_CEILING + 1],
    ['beyond safe integers', 2 ** 60],
    ['a numeric string', '100'],
    ['null', null],
    ['an object', { tokens: 1 }],
  ])(
    'given a %s prompt count, when sanitized, then the estimate is used for it and the answer is flagged',
    (_, bad) => {
      const out = sanitizeUpstreamUsage(reported({ promptTokens: bad }), () => ESTIMATE);
      expect(out.usage.promptTokens).toBe(ESTIMATE.promptTokens);
      expect(out.usage.completionTokens).toBe(20);
      expect(out.clamped).toBe(true);
      expect(out.refused).toEqual(['promptTokens']);
    },
  );

  it('given a bad completion count, when sanitized, then only that field is estimated', () => {
    const out = sanitizeUpstreamUsage(reported({ completionTokens: -5 }), () => ESTIMATE);
    expect(out.usage).toMatchObject({ promptTokens: 100, completionTokens: ESTIMATE.completionTokens });
    expect(out.refused).toEqual(['completionTokens']);
  });

  it('given the ceiling itself and 0, when sanitized, then both are valid counts', () => {
    const out = sanitizeUpstreamUsage(
      reported({ promptTokens: UPSTREAM_TOKEN_CEILING, completionTokens: 0 }),
      () => ESTIMATE,
    );
    expect(out.usage).toMatchObject({ promptTokens: UPSTREAM_TOKEN_CEILING, completionTokens: 0 });
    expect(out.clamped).toBe(false);
  });

  it('given details larger than their totals, when sanitized, then they count 0 and the answer is flagged', () => {
    const out = sanitizeUpstreamUsage(
      reported({ cachedTokens: 101, cacheWriteTokens: -3, cacheWrite1hTokens: 1, reasoningTokens: 21 }),
      () => ESTIMATE,
    );
    expect(out.usage).toMatchObject({
      cachedTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 0,
    });
    expect(out.refused).toEqual([
      'cachedTokens',
      'cacheWriteTokens',
      'cacheWrite1hTokens',
      'reasoningTokens',
    ]);
  });

  it('given cache reads and writes that together exceed the prompt, when sanitized, then the writes are refused', () => {
    const out = sanitizeUpstreamUsage(reported({ cachedTokens: 80, cacheWriteTokens: 30 }), () => ESTIMATE);
    expect(out.usage).toMatchObject({ cachedTokens: 80, cacheWriteTokens: 0 });
    expect(out.refused).toEqual(['cacheWriteTokens']);
  });

  it('given a refused prompt count, when sanitized, then cached tokens are held to the estimate that replaced it', () => {
    const out = sanitizeUpstreamUsage(reported({ promptTokens: -1e9, cachedTokens: 90 }), () => ESTIMATE);
    expect(out.usage).toMatchObject({ promptTokens: 42, cachedTokens: 0 });
    expect(out.refused).toEqual(['promptTokens', 'cachedTokens']);
  });

  it('given both totals refused, when sanitized, then the estimate is asked once', () => {
    const estimate = jest.fn(() => ESTIMATE);
    const out = sanitizeUpstreamUsage(reported({ promptTokens: 'x', completionTokens: -1 }), estimate);
    expect(out.usage).toMatchObject(ESTIMATE);
    expect(estimate).toHaveBeenCalledTimes(1);
  });
});
