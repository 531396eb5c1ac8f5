import type { Micros } from '@gw/shared-kernel';
import type { ModelPrices } from './catalog.types';
import type { ModelPricesData } from './model.events';

/** Prices as events carry them (decimal strings) from prices in code (bigint), and back. */
export function pricesToData(p: ModelPrices): ModelPricesData {
  return {
    inputPerMillion: p.inputPerMillion.toString(),
    outputPerMillion: p.outputPerMillion.toString(),
    cachedInputPerMillion: p.cachedInputPerMillion.toString(),
    ...(p.cacheWritePerMillion !== undefined && { cacheWritePerMillion: p.cacheWritePerMillion.toString() }),
    ...(p.cacheWrite1hPerMillion !== undefined && {
      cacheWrite1hPerMillion: p.cacheWrite1hPerMillion.toString(),
    }),
    ...(p.perRequest !== undefined && { perRequest: p.perRequest.toString() }),
    ...(p.longContext !== undefined && {
      longContext: {
        aboveTokens: p.longContext.aboveTokens,
        inputPerMillion: p.longContext.inputPerMillion.toString(),
        outputPerMillion: p.longContext.outputPerMillion.toString(),
      },
    }),
  };
}

const micros = (s: string): Micros => BigInt(s);

export function pricesFromData(d: ModelPricesData): ModelPrices {
  return {
    inputPerMillion: micros(d.inputPerMillion),
    outputPerMillion: micros(d.outputPerMillion),
    cachedInputPerMillion: micros(d.cachedInputPerMillion),
    ...(d.cacheWritePerMillion !== undefined && { cacheWritePerMillion: micros(d.cacheWritePerMillion) }),
    ...(d.cacheWrite1hPerMillion !== undefined && {
      cacheWrite1hPerMillion: micros(d.cacheWrite1hPerMillion),
    }),
    ...(d.perRequest !== undefined && { perRequest: micros(d.perRequest) }),
    ...(d.longContext !== undefined && {
      longContext: {
        aboveTokens: d.longContext.aboveTokens,
        inputPerMillion: micros(d.longContext.inputPerMillion),
        outputPerMillion: micros(d.longContext.outputPerMillion),
      },
    }),
  };
}
