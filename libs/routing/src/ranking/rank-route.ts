import type { BalancingRecord, ChainRecord } from '../domain/request.events';
import { balance } from './balancing';
import { chainFor } from './chains';
import { rankCandidates, rankWithChain, type RankedCandidate, type RankInput } from './rank-candidates';

export interface RouteRankInput extends RankInput {
  /** The request's id: balancing's draw is derived from it. */
  readonly requestId: string;
  /** The use case the request named (useCaseOf). */
  readonly useCase?: string;
}

export interface RouteRanking {
  /** The candidates in the order they are tried. */
  readonly candidates: RankedCandidate[];
  /** Set when a chain was configured for the request (applied or not). */
  readonly chain?: ChainRecord;
  /** Set when weighted balancing chose the first candidate. */
  readonly balancing?: BalancingRecord;
}

/**
 * A routed request's candidates: the chain's (use case, else level; a pinned model has none) in
 * chain order when any of its models can serve, else the score order, where weighted balancing (when
 * enabled and no chain applied) may draw the first. Without a chain or balancing configured this is
 * rankCandidates and nothing more.
 */
export function rankRoute(input: RouteRankInput): RouteRanking {
  const chain = chainFor(input.policy, input.powerLevel, input.useCase, input.pinnedModelId !== undefined);
  if (chain) {
    const { ranked, chained } = rankWithChain(input, chain.models);
    const applied = chained.length > 0;
    const record: ChainRecord = { source: chain.source, models: [...chain.models], applied };
    if (applied) return { candidates: chained, chain: record };
    return { ...balanced(input, ranked), chain: record };
  }
  return balanced(input, rankCandidates(input));
}

function balanced(input: RouteRankInput, ranked: RankedCandidate[]): RouteRanking {
  // A pinned model has one candidate: nothing to balance.
  if (!input.policy.balancing.enabled || input.pinnedModelId !== undefined) return { candidates: ranked };
  const drawn = balance(ranked, input.policy.balancing, input.requestId);
  return drawn ? { candidates: drawn.candidates, balancing: drawn.record } : { candidates: ranked };
}
