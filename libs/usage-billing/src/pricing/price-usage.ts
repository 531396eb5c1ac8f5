import type { ModelPrices } from '@gw/catalog';
import type { Micros } from '@gw/shared-kernel';

/** The provider's raw usage of one request, as the gateway counts it (OpenAI's convention). */
export interface TokenUsage {
  /** All prompt tokens, cache reads and writes included. */
  readonly promptTokens: number;
  /** All output tokens, reasoning included. */
  readonly completionTokens: number;
  /** Prompt tokens read from the provider's cache (part of promptTokens). */
  readonly cachedTokens: number;
  /** Prompt tokens written to the cache (part of promptTokens), both lifetimes. */
  readonly cacheWriteTokens: number;
  /** Of cacheWriteTokens, those kept for an hour (Anthropic's `ephemeral_1h_input_tokens`). */
  readonly cacheWrite1hTokens?: number;
}

/** What one request cost the platform, by part, in micro-dollars. */
export interface CostBreakdown {
  readonly inputMicros: Micros;
  readonly cachedInputMicros: Micros;
  readonly cacheWriteMicros: Micros;
  readonly outputMicros: Micros;
  readonly perRequestMicros: Micros;
  /** Rounded once over the token parts (half up), plus the per-request fee. */
  readonly totalMicros: Micros;
  /** The prompt was above the model's long-context threshold: its long rates applied. */
  readonly longContext: boolean;
}

const MILLION = 1_000_000n;
/** tokens × micro-dollars per million = millionths of a micro-dollar: exact until rounded once. */
const millionths = (tokens: number, perMillion: Micros): bigint => BigInt(tokens) * perMillion;
const roundHalfUp = (millionthsOfMicros: bigint): Micros => (millionthsOfMicros + MILLION / 2n) / MILLION;

/**
 * The cost of one request at the model's prices (pure): uncached input, cache reads, cache writes
 * (five-minute and one-hour), output, and the per-request fee. Above the long-context threshold the
 * long input and output rates apply to all of the request's input and output tokens (Gemini's rule);
 * cache reads keep their price. Each part is exact in millionths of a micro-dollar; the token total is
 * rounded half up once, so parts never accumulate rounding.
 */
export function priceUsage(prices: ModelPrices, usage: TokenUsage): CostBreakdown {
  const cached = Math.max(0, usage.cachedTokens);
  const writes = Math.max(0, usage.cacheWriteTokens);
  const writes1h = Math.min(writes, Math.max(0, usage.cacheWrite1hTokens ?? 0));
  const uncached = Math.max(0, usage.promptTokens - cached - writes);
  const long = prices.longContext !== undefined && usage.promptTokens > prices.longContext.aboveTokens;
  const inputPrice = long ? prices.longContext!.inputPerMillion : prices.inputPerMillion;
  const outputPrice = long ? prices.longContext!.outputPerMillion : prices.outputPerMillion;
  const writePrice = prices.cacheWritePerMillion ?? prices.inputPerMillion;
  const parts = {
    input: millionths(uncached, inputPrice),
    cached: millionths(cached, prices.cachedInputPerMillion),
    write:
      millionths(writes - writes1h, writePrice) +
      millionths(writes1h, prices.cacheWrite1hPerMillion ?? writePrice),
    output: millionths(Math.max(0, usage.completionTokens), outputPrice),
  };
  const perRequestMicros = prices.perRequest ?? 0n;
  return {
    inputMicros: roundHalfUp(parts.input),
    cachedInputMicros: roundHalfUp(parts.cached),
    cacheWriteMicros: roundHalfUp(parts.write),
    outputMicros: roundHalfUp(parts.output),
    perRequestMicros,
    totalMicros: roundHalfUp(parts.input + parts.cached + parts.write + parts.output) + perRequestMicros,
    longContext: long,
  };
}
