import type { RedisFieldGuard } from '@gw/shared-kernel';
import { promptTokenBound } from '@gw/routing';
import type { TokenDemand } from '@gw/usage-billing';
import type { BudgetGate, BudgetHold } from '../../billing/budget-gate';
import type { Attempted } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import type { ChatCall } from './chat-call';

/**
 * The hold step (budget): the worst case of every candidate the walk may try, held before any
 * upstream call; `behind` sends the rate-limit check on the same Redis round trip. No budget (unit
 * tests): undefined, nothing held or refused.
 */
export function holdBudget(
  budget: BudgetGate | undefined,
  call: ChatCall,
  plan: RoutePlan,
  attempts: readonly Attempted[],
  behind: ((guard: RedisFieldGuard) => void) | undefined,
): Promise<BudgetHold> | undefined {
  if (!budget) return undefined;
  const { principal } = call;
  return budget.reserve(
    principal.userId,
    call.requestId,
    attempts.map(({ model, candidate }) => ({
      prices: model.prices,
      maxOutputTokens: model.maxOutputTokens,
      basis: {
        powerLevel: plan.powerLevel,
        tier: principal.tier,
        keySource: candidate.byok ? ('byok' as const) : ('platform' as const),
      },
    })),
    demandOf(call),
    behind,
  );
}

/** What the request may use at most: the prompt's bound, n × the output it asks for (TokenDemand). */
export function demandOf(call: Pick<ChatCall, 'dto' | 'promptTokens'>): TokenDemand {
  const { dto } = call;
  return {
    promptTokens: call.promptTokens ?? promptTokenBound(dto),
    maxOutputTokens: dto.max_completion_tokens ?? dto.max_tokens ?? undefined,
    choices: dto.n ?? 1,
  };
}
