import type { CatalogModel } from '@gw/catalog';
import { DEFAULT_BILLING_POLICY, type ChargeBasis } from '@gw/usage-billing';
import { countUsage, usageToCount } from './usage-accounting';

const precisionFree: ChargeBasis = { powerLevel: 'precision', tier: 'free', keySource: 'platform' };
const defaults = { version: 0, policy: DEFAULT_BILLING_POLICY };

const model = (cacheWritePerMillion?: bigint): CatalogModel => ({
  id: 'anthropic/claude-sonnet-4-5',
  provider: 'anthropic',
  upstreamModel: 'claude-sonnet-4-5',
  displayName: 'Claude Sonnet 4.5',
  prices: {
    inputPerMillion: 3_000_000n,
    outputPerMillion: 15_000_000n,
    cachedInputPerMillion: 300_000n,
    ...(cacheWritePerMillion !== undefined && { cacheWritePerMillion }),
  },
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
  capabilities: { streaming: true, tools: true, vision: true, jsonMode: false },
  quality: 0.9,
  typicalLatencyMs: 2_000,
  powerLevels: ['precision'],
  minTier: 'free',
  enabled: true,
});

describe('countUsage', () => {
  // 1,000,000 prompt tokens: 600,000 plain, 300,000 read from the cache, 100,000 written to it.
  const usage = {
    prompt_tokens: 1_000_000,
    completion_tokens: 10_000,
    total_tokens: 1_010_000,
    prompt_tokens_details: { cached_tokens: 300_000, cache_write_tokens: 100_000 },
  };

  it('prices plain input, cache reads, cache writes and output each at their own price', () => {
    const counted = countUsage(model(3_750_000n), usage, precisionFree, defaults);
    // 0.6 × $3 + 0.3 × $0.30 + 0.1 × $3.75 + 0.01 × $15 = $1.80 + $0.09 + $0.375 + $0.15
    expect(counted.providerCostMicros).toBe(2_415_000n);
    expect(counted).toMatchObject({
      promptTokens: 1_000_000,
      cachedTokens: 300_000,
      cacheWriteTokens: 100_000,
    });
  });

  it('without a cache-write price, cache writes cost the input price', () => {
    // 0.7 × $3 + 0.3 × $0.30 + 0.01 × $15 = $2.10 + $0.09 + $0.15
    expect(countUsage(model(), usage, precisionFree, defaults).providerCostMicros).toBe(2_340_000n);
  });

  it('a provider that reports no cache details is billed at the input price', () => {
    const plain = { prompt_tokens: 1_000, completion_tokens: 100, total_tokens: 1_100 };
    expect(countUsage(model(3_750_000n), plain, precisionFree, defaults)).toMatchObject({
      cachedTokens: 0,
      cacheWriteTokens: 0,
      providerCostMicros: 4_500n, // 0.001 × $3 + 0.0001 × $15
    });
  });

  it('charges cost × multiplier × (1 + markup) on the platform key, the BYOK fee on the caller’s, with the versions', () => {
    const priced = { ...model(3_750_000n), priceVersion: 3 };
    const billing = { version: 7, policy: DEFAULT_BILLING_POLICY };
    const starterBalanced: ChargeBasis = { powerLevel: 'balanced', tier: 'starter', keySource: 'platform' };
    expect(countUsage(priced, usage, starterBalanced, billing)).toMatchObject({
      providerCostMicros: 2_415_000n,
      chargedMicros: 845_250n, // × 0.25 × 1.4
      priceVersion: 3,
      billingPolicyVersion: 7,
    });
    expect(countUsage(priced, usage, { ...starterBalanced, keySource: 'byok' }, billing).chargedMicros).toBe(
      241_500n, // 10 %
    );
  });

  it('keeps the raw usage: one-hour cache writes and reasoning tokens', () => {
    const raw = {
      ...usage,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 100_000, cache_write_1h_tokens: 40_000 },
      completion_tokens_details: { reasoning_tokens: 6_000 },
    };
    expect(countUsage(model(3_750_000n), raw, precisionFree, defaults)).toMatchObject({
      cacheWriteTokens: 100_000,
      cacheWrite1hTokens: 40_000,
      reasoningTokens: 6_000,
    });
  });
});

describe('usageToCount', () => {
  const estimate = jest.fn(() => ({ prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 }));
  beforeEach(() => estimate.mockClear());

  it('given no usage from the upstream, when counted, then the estimate is used and marked estimated', () => {
    expect(usageToCount(undefined, estimate)).toEqual({
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      estimated: true,
      clamped: false,
    });
  });

  it('given a valid report, when counted, then it is used as it came, unflagged, without estimating', () => {
    const reported = {
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
    };
    expect(usageToCount(reported, estimate)).toEqual({ usage: reported, estimated: false, clamped: false });
    expect(estimate).not.toHaveBeenCalled();
  });

  it('given prompt_tokens -1e9, when counted, then the prompt is the estimate, the rest as reported, and it is flagged', () => {
    const out = usageToCount(
      {
        prompt_tokens: -1e9,
        completion_tokens: 5,
        total_tokens: -999_999_995,
        completion_tokens_details: { reasoning_tokens: 2 },
      },
      estimate,
    );
    expect(out).toEqual({
      usage: {
        prompt_tokens: 42,
        completion_tokens: 5,
        total_tokens: 47,
        completion_tokens_details: { reasoning_tokens: 2 },
      },
      estimated: false,
      clamped: true,
    });
  });

  it('given a usage that is not an object, when counted, then it is the estimate, estimated and flagged', () => {
    expect(usageToCount('lots', estimate)).toEqual({
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      estimated: true,
      clamped: true,
    });
  });

  it('given details out of bounds, when counted, then they are dropped and the answer flagged', () => {
    const out = usageToCount(
      {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 11 },
      },
      estimate,
    );
    expect(out.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    expect(out.clamped).toBe(true);
  });
});
