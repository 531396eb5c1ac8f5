import type { PowerLevel } from '@gw/shared-kernel';
import { ROUTING_POLICY_LIMITS, type RoutingPolicy } from '../domain/routing-policy';

/** Where a request's fallback chain comes from: its named use case, or its power level. */
export type ChainSource = 'use_case' | 'level';

export interface ChainChoice {
  readonly source: ChainSource;
  /** Model ids in the order they are tried. */
  readonly models: readonly string[];
}

/**
 * A use case name as a request may give it (the `x-switchyard-use-case` header, else
 * `metadata.use_case`): a well-formed name is kept (recorded even when the policy does not know it),
 * anything else is ignored (never an error: metadata is the caller's).
 */
export function useCaseOf(header: unknown, metadata: unknown): string | undefined {
  const named =
    typeof header === 'string' && header !== ''
      ? header
      : metadata !== null && typeof metadata === 'object'
        ? (metadata as Record<string, unknown>)['use_case']
        : undefined;
  return typeof named === 'string' && ROUTING_POLICY_LIMITS.useCaseName.test(named) ? named : undefined;
}

/**
 * The chain that orders a request's candidates: its use case's when the policy names it, else the
 * level's when it has one; none (the score order) otherwise, and always for a pinned model.
 */
export function chainFor(
  policy: Pick<RoutingPolicy, 'useCases' | 'levels'>,
  powerLevel: PowerLevel,
  useCase: string | undefined,
  pinned: boolean,
): ChainChoice | undefined {
  if (pinned) return undefined;
  if (useCase !== undefined && Object.hasOwn(policy.useCases, useCase)) {
    const models = policy.useCases[useCase]!;
    if (models.length > 0) return { source: 'use_case', models };
  }
  const level = policy.levels[powerLevel].chain;
  return level.length > 0 ? { source: 'level', models: level } : undefined;
}

/**
 * The chain's candidates: those of `found` (any order) whose model is in the chain, in chain order;
 * one over its provider's rate limit (`components.rateLimit` 1) goes behind the others, still tried.
 * Empty when none of the chain's models is a candidate (the caller keeps the score order).
 */
export function applyChain<
  C extends { readonly modelId: string; readonly components: { readonly rateLimit?: number } },
>(chain: readonly string[], found: readonly C[]): C[] {
  const ordered: C[] = [];
  let over: C[] | undefined;
  for (const id of chain) {
    const c = found.find((x) => x.modelId === id);
    if (!c || ordered.includes(c) || over?.includes(c)) continue;
    if (c.components.rateLimit === 1) (over ??= []).push(c);
    else ordered.push(c);
  }
  return over ? [...ordered, ...over] : ordered;
}
