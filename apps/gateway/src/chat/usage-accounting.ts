import { costOfTokens } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';
import type { CompletionUsage as ChatCompletionUsage } from '@gw/providers';

export interface CountedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  /** Prompt tokens written to the provider's cache (a part of promptTokens, like cachedTokens). */
  readonly cacheWriteTokens: number;
  readonly providerCostMicros: bigint;
}

/** Provider cost: uncached input, cache reads, cache writes and output tokens, each at its own price. */
export function countUsage(model: CatalogModel, usage: ChatCompletionUsage): CountedUsage {
  const cachedTokens = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWriteTokens = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
  const providerCostMicros = costOfTokens([
    {
      tokens: Math.max(0, usage.prompt_tokens - cachedTokens - cacheWriteTokens),
      pricePerMillion: model.prices.inputPerMillion,
    },
    { tokens: cachedTokens, pricePerMillion: model.prices.cachedInputPerMillion },
    {
      tokens: cacheWriteTokens,
      pricePerMillion: model.prices.cacheWritePerMillion ?? model.prices.inputPerMillion,
    },
    { tokens: usage.completion_tokens, pricePerMillion: model.prices.outputPerMillion },
  ]);
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens,
    cacheWriteTokens,
    providerCostMicros,
  };
}
