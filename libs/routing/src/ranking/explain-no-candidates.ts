import { TIERS, tierAllows, type Tier } from '@gw/shared-kernel';
import type { CatalogModel } from '@gw/catalog';
import {
  blendedPricePer1k,
  CANDIDATE_FILTERS,
  filterContextOf,
  type CandidateFilter,
  type RankInput,
} from './rank-candidates';

/** Why no model could serve a request even with every provider healthy: the filter that removed the last ones. */
export interface NoCandidatesReason {
  readonly filter: CandidateFilter;
  /** The request parameter to change, when there is one. */
  readonly param: string | null;
  readonly message: string;
}

const CAPABILITY: Partial<Record<CandidateFilter, { what: string; param: string }>> = {
  streaming: { what: 'streaming', param: 'stream' },
  tools: { what: 'tool calls', param: 'tools' },
  vision: { what: 'image input', param: 'messages' },
  jsonMode: { what: 'JSON mode', param: 'response_format' },
};

const dollars = (microsPer1k: number): string =>
  `$${(microsPer1k / 1_000_000).toPrecision(3).replace(/\.?0+$/, '')}`;

/**
 * Applies the ranking's filters one at a time (health aside) and names the one after which nothing
 * was left, with what the request would have to change. Only called when ranking found nothing: the
 * hot path never pays for it.
 */
export function explainNoCandidates(input: RankInput): NoCandidatesReason {
  const context = filterContextOf(input);
  let left: readonly CatalogModel[] = input.models;
  for (const name of Object.keys(CANDIDATE_FILTERS) as CandidateFilter[]) {
    const kept = left.filter((m) => CANDIDATE_FILTERS[name](m, context));
    if (kept.length === 0) return reason(name, left, input);
    left = kept;
  }
  // Everything passes: only health stood in the way, and that is not the caller's to fix.
  return { filter: 'offered', param: null, message: 'No model can serve this request right now.' };
}

function reason(
  filter: CandidateFilter,
  removed: readonly CatalogModel[],
  input: RankInput,
): NoCandidatesReason {
  const { needs, powerLevel, pinnedModelId: pinned } = input;
  const named = pinned ? `the model \`${pinned}\`` : undefined;
  const capability = CAPABILITY[filter];
  if (capability) {
    return {
      filter,
      param: capability.param,
      message: named
        ? `${capitalized(named)} does not support ${capability.what}, which this request needs.`
        : `No model at power level ${powerLevel} supports ${capability.what}, which this request needs.`,
    };
  }
  switch (filter) {
    case 'offered':
      return {
        filter,
        param: named ? 'model' : null,
        message: named
          ? `${capitalized(named)} is not available.`
          : `No model is offered at power level ${powerLevel}. Ask for another power level or model.`,
      };
    case 'tier': {
      const needed = cheapestTier(removed);
      return {
        filter,
        param: named ? 'model' : null,
        message: `${named ? capitalized(named) + ' is' : `No model at power level ${powerLevel} is`} available to the ${input.tier} tier${needed ? ` (it takes ${needed} or higher)` : ''}.`,
      };
    }
    case 'contextWindow': {
      const largest = Math.max(...removed.map((m) => m.contextWindow));
      return {
        filter,
        param: 'messages',
        message: `The prompt and max_tokens may need up to ${needs.contextTokens} tokens (the prompt counted at one token per UTF-8 byte, the most any tokenizer makes of it), more than the ${named ? `context window of ${named}` : `largest context window at power level ${powerLevel}`} (${largest} tokens). Shorten the prompt or lower max_tokens.`,
      };
    }
    case 'maxOutput': {
      const largest = Math.max(...removed.map((m) => m.maxOutputTokens));
      return {
        filter,
        param: needs.maxOutputTokens ? 'max_tokens' : null,
        message: `max_tokens ${needs.maxOutputTokens ?? 0} is more than ${named ?? `any model at power level ${powerLevel}`} can write (${largest} at most).`,
      };
    }
    case 'price': {
      const limit = Number(input.policy.levels[powerLevel].maxPricePer1k);
      const cheapest = Math.min(...removed.map(blendedPricePer1k));
      return {
        filter,
        param: null,
        message: `No model that fits this request is within the price limit of power level ${powerLevel} (${dollars(limit)} per 1K tokens; the cheapest costs ${dollars(cheapest)}). Ask for a higher power level or name a model.`,
      };
    }
    default:
      return { filter, param: null, message: 'No model can serve this request.' };
  }
}

const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The lowest tier that may use at least one of these models. */
function cheapestTier(models: readonly CatalogModel[]): Tier | undefined {
  return TIERS.find((tier) => models.some((m) => tierAllows(tier, m.minTier)));
}
