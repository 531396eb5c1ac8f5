import type { Principal } from '@gw/accounts';
import type { ChatCompletionDto } from '../chat-completion.dto';
import type { ChatContext } from '../chat-context';
import { chooseByokKeys, withPlatformFallbacks } from '../byok-keys';
import type { Attempted } from '../fallback-walk';
import { planRoute, type PlanRequest, type RoutePlan } from '../route-planner';
import type { ChatDeps } from './chat-call';

/**
 * The plan step: the ranked candidates for a request, from memory only (route-planner's planRoute
 * under the tier's rules, with the caller's own keys that may pay, the request's id and use case,
 * and the platform keys' load).
 */
export function planOf(
  deps: Pick<ChatDeps, 'context' | 'keys' | 'tierPolicy'>,
  principal: Principal,
  dto: ChatCompletionDto,
  powerLevelHeader: string | undefined,
  promptTokens: number,
  request: Omit<PlanRequest, 'load'> = {},
): RoutePlan {
  const { context } = deps;
  return planRoute(
    dto,
    principal,
    powerLevelHeader,
    deps.tierPolicy(),
    context.catalog,
    context.policy,
    context.health,
    chooseByokKeys(principal, deps.keys, context.health),
    promptTokens,
    { ...request, load: context.load },
  );
}

/**
 * The candidates to try, in order, up to the policy's max attempts; a candidate paid by the caller's
 * key is followed by the same model on a healthy platform key, if there is one (not with byokOnly).
 */
export function attemptsOf(context: ChatContext, plan: RoutePlan): Attempted[] {
  const candidates = withPlatformFallbacks(plan.candidates, plan.byok, (provider) => {
    const p = context.catalog.providers.get(provider);
    return p !== undefined && context.health.isAvailable(provider);
  });
  const max = Math.min(candidates.length, context.policy.maxAttempts);
  const attempts: Attempted[] = [];
  for (let i = 0; i < max; i++) {
    const candidate = candidates[i]!;
    const model = plan.models.get(candidate.modelId);
    if (model) attempts.push({ candidate, model, attempt: attempts.length + 1 });
  }
  return attempts;
}
