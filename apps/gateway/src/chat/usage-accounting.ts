import { costOfTokens } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';
import type { CompletionUsage as ChatCompletionUsage } from '@gw/providers';

export interface CountedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly providerCostMicros: bigint;
}

/** Provider cost: uncached input, cached input and output tokens, each at its own price. */
export function countUsage(model: CatalogModel, usage: ChatCompletionUsage): CountedUsage {
  const cachedTokens = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const providerCostMicros = costOfTokens([
    {
      tokens: Math.max(0, usage.prompt_tokens - cachedTokens),
      pricePerMillion: model.prices.inputPerMillion,
    },
    { tokens: cachedTokens, pricePerMillion: model.prices.cachedInputPerMillion },
    { tokens: usage.completion_tokens, pricePerMillion: model.prices.outputPerMillion },
  ]);
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens,
    providerCostMicros,
  };
}
