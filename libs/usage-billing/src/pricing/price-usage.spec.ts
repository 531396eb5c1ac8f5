import fc from 'fast-check';
import type { ModelPrices } from '@gw/catalog';
import { priceUsage, type TokenUsage } from './price-usage';

const usage = (over: Partial<TokenUsage> = {}): TokenUsage => ({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  ...over,
});
/** $1 in, $4 out, $0.25 cached, $1.25 cache write, $2 one-hour write per million tokens. */
const prices: ModelPrices = {
  inputPerMillion: 1_000_000n,
  outputPerMillion: 4_000_000n,
  cachedInputPerMillion: 250_000n,
  cacheWritePerMillion: 1_250_000n,
  cacheWrite1hPerMillion: 2_000_000n,
};

describe('priceUsage', () => {
  it('prices each kind of token at its own rate', () => {
    const cost = priceUsage(
      prices,
      usage({
        promptTokens: 10_000,
        cachedTokens: 2_000,
        cacheWriteTokens: 3_000,
        cacheWrite1hTokens: 1_000,
        completionTokens: 500,
      }),
    );
    expect(cost).toEqual({
      inputMicros: 5_000n, // 5,000 uncached × $1/M
      cachedInputMicros: 500n, // 2,000 × $0.25/M
      cacheWriteMicros: 2_500n + 2_000n, // 2,000 × $1.25/M + 1,000 one-hour × $2/M
      outputMicros: 2_000n, // 500 × $4/M
      perRequestMicros: 0n,
      totalMicros: 12_000n,
      longContext: false,
    });
  });

  it('adds the per-request fee whatever the tokens (Perplexity’s search fee)', () => {
    const fee = { ...prices, perRequest: 5_000n };
    expect(priceUsage(fee, usage()).totalMicros).toBe(5_000n);
    expect(priceUsage(fee, usage({ promptTokens: 1_000, completionTokens: 1_000 })).totalMicros).toBe(
      5_000n + 1_000n + 4_000n,
    );
  });

  it('charges every token at the long rates once the prompt is above the threshold, and not at it', () => {
    const gemini: ModelPrices = {
      inputPerMillion: 1_250_000n,
      outputPerMillion: 10_000_000n,
      cachedInputPerMillion: 310_000n,
      longContext: { aboveTokens: 200_000, inputPerMillion: 2_500_000n, outputPerMillion: 15_000_000n },
    };
    const at = priceUsage(gemini, usage({ promptTokens: 200_000, completionTokens: 1_000 }));
    expect(at).toMatchObject({ longContext: false, inputMicros: 250_000n, outputMicros: 10_000n });
    const above = priceUsage(gemini, usage({ promptTokens: 200_001, completionTokens: 1_000 }));
    expect(above).toMatchObject({ longContext: true, inputMicros: 500_003n, outputMicros: 15_000n });
    expect(above.totalMicros).toBe(515_003n);
  });

  it('uses the input price for cache writes without a price of their own, and the write price for one-hour writes', () => {
    const plain: ModelPrices = {
      inputPerMillion: 1_000_000n,
      outputPerMillion: 0n,
      cachedInputPerMillion: 0n,
    };
    expect(priceUsage(plain, usage({ promptTokens: 1_000, cacheWriteTokens: 1_000 })).cacheWriteMicros).toBe(
      1_000n,
    );
    const noHour = { ...plain, cacheWritePerMillion: 1_250_000n };
    expect(
      priceUsage(noHour, usage({ promptTokens: 1_000, cacheWriteTokens: 1_000, cacheWrite1hTokens: 1_000 }))
        .cacheWriteMicros,
    ).toBe(1_250n);
  });

  it('rounds once, half up, over all token parts (parts below a micro-dollar are not lost)', () => {
    // 1 token at $0.40/M = 0.4 µ$ in each of three parts: 1.2 µ$ in all → 1, not 0 + 0 + 0.
    const tiny: ModelPrices = {
      inputPerMillion: 400_000n,
      outputPerMillion: 400_000n,
      cachedInputPerMillion: 400_000n,
    };
    expect(
      priceUsage(tiny, usage({ promptTokens: 2, cachedTokens: 1, completionTokens: 1 })).totalMicros,
    ).toBe(1n);
    expect(priceUsage(tiny, usage({ promptTokens: 1, completionTokens: 1 })).totalMicros).toBe(1n); // 0.8
    expect(priceUsage(tiny, usage({ promptTokens: 1 })).totalMicros).toBe(0n); // 0.4
  });

  it('is exact: the total is the exact sum rounded half up, for any usage', () => {
    fc.assert(
      fc.property(
        fc.nat(2_000_000),
        fc.nat(2_000_000),
        fc.nat(100),
        fc.nat(100),
        fc.nat(100),
        (prompt, completion, cachedPct, writePct, hourPct) => {
          const cached = Math.floor((prompt * cachedPct) / 200);
          const writes = Math.floor((prompt * writePct) / 200);
          const hour = Math.floor((writes * hourPct) / 100);
          const u = usage({
            promptTokens: prompt,
            completionTokens: completion,
            cachedTokens: cached,
            cacheWriteTokens: writes,
            cacheWrite1hTokens: hour,
          });
          const exact =
            BigInt(prompt - cached - writes) * 1_000_000n +
            BigInt(cached) * 250_000n +
            BigInt(writes - hour) * 1_250_000n +
            BigInt(hour) * 2_000_000n +
            BigInt(completion) * 4_000_000n;
          expect(priceUsage(prices, u).totalMicros).toBe((exact + 500_000n) / 1_000_000n);
        },
      ),
    );
  });
});
