import type { CatalogModel } from '@gw/catalog';
import type { ChatCompletion, CompletionUsage as ChatCompletionUsage } from '@gw/providers';
import { estimateTokens, type FallbackTriggered, type UsageRecorded } from '@gw/routing';
import { boundedText, UPSTREAM_TEXT_BOUNDS } from '@gw/shared-kernel';
import { outputTokenBound } from '@gw/usage-billing';
import { byokKeyOf } from '../byok-keys';
import type { Attempted } from '../fallback-walk';
import { promptTokenEstimate } from '../prompt-tokens';
import type { RoutePlan } from '../route-planner';
import { countUsage, type CountedUsage } from '../usage-accounting';
import type { ChatCall, ChatDeps } from './chat-call';
import { demandOf } from './hold.step';

/**
 * The settle step's units. The pipeline counts the answer's usage (usageToCount: the upstream's
 * report checked, or the estimate), prices and charges it (countUsage), then settles the charge in
 * the budget store (BudgetHold.settle) before the record step writes it.
 */

/** The answering credential's success counts toward its circuit and latency score. */
export function recordHealthy(
  context: ChatDeps['context'],
  plan: RoutePlan,
  { candidate, model }: Attempted,
  latencyMs: number,
): void {
  context.health.recordSuccess(model.provider, model.id, latencyMs, {
    credential: candidate.credential,
    trial: plan.panic,
  });
}

/**
 * The platform keys' load (the ranking's rate-limit penalty): each failed attempt on a platform key
 * counts one request, the answer (when a platform key gave it) one request and its tokens. Attempts
 * on the caller's own keys do not count. Nothing is allocated.
 */
export function recordProviderLoad(
  context: Pick<ChatDeps['context'], 'load'>,
  fallbacks: readonly FallbackTriggered['data'][],
  answered: Attempted | undefined,
  tokens: number,
): void {
  const load = context.load;
  if (!load) return; // a context built without one (unit tests)
  for (const f of fallbacks)
    if (f.fromProvider !== undefined && f.fromCredential === 'platform') load.record(f.fromProvider, 0);
  if (answered && !answered.candidate.byok) load.record(answered.model.provider, tokens);
}

/** Priced at the answering model's prices, charged under the billing policy in force now. */
export function countAnswer(
  context: ChatDeps['context'],
  call: ChatCall,
  plan: RoutePlan,
  attempted: Attempted,
  usage: ChatCompletionUsage,
  clamped: boolean,
): CountedUsage {
  call.onUsage?.(usage.prompt_tokens + usage.completion_tokens, clamped);
  return countUsage(
    attempted.model,
    usage,
    {
      powerLevel: plan.powerLevel,
      tier: call.principal.tier,
      keySource: attempted.candidate.byok ? 'byok' : 'platform',
    },
    context.billing,
  );
}

export function completionText(c: ChatCompletion): string {
  return c.choices.map((ch) => (typeof ch.message?.content === 'string' ? ch.message.content : '')).join('');
}

/**
 * When the upstream reports no usage, count with the tokenizer (a lower bound for a cut stream),
 * bounded in time however long the prompt (estimateTokens samples long texts; images at a fixed cost),
 * and never above what was held (the prompt's bound, the output the request may get on this model): a
 * charge never passes its hold, whatever an upstream sends instead of usage.
 */
export function estimateUsage(call: ChatCall, model: CatalogModel, completion: string): ChatCompletionUsage {
  const demand = demandOf(call);
  const promptTokens = Math.min(promptTokenEstimate(call.dto), demand.promptTokens);
  const completionTokens = Math.min(
    estimateTokens([completion]),
    outputTokenBound(demand, model.maxOutputTokens),
  );
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** How the answer was counted and delivered, beside its counted usage. */
export interface AnswerInfo {
  estimated: boolean;
  clamped: boolean;
  latencyMs: number;
  ttft: number | null;
  streamed: boolean;
  finishReason: string | null;
  outcome: 'completed' | 'interrupted';
}

/** The answer's UsageRecorded data (recorded with its ChargeSettled by the record step). */
export function usageData(
  call: ChatCall,
  plan: RoutePlan,
  attempted: Attempted,
  counted: CountedUsage,
  info: AnswerInfo,
): UsageRecorded['data'] {
  return {
    requestId: call.requestId,
    userId: call.principal.userId,
    provider: attempted.model.provider,
    modelId: attempted.model.id,
    powerLevel: plan.powerLevel,
    keySource: attempted.candidate.byok ? 'byok' : 'platform',
    keyId: byokKeyOf(plan.byok, attempted.candidate)?.keyId ?? null,
    promptTokens: counted.promptTokens,
    completionTokens: counted.completionTokens,
    cachedTokens: counted.cachedTokens,
    ...(counted.cacheWriteTokens > 0 && { cacheWriteTokens: counted.cacheWriteTokens }),
    ...(counted.cacheWrite1hTokens > 0 && { cacheWrite1hTokens: counted.cacheWrite1hTokens }),
    ...(counted.reasoningTokens > 0 && { reasoningTokens: counted.reasoningTokens }),
    estimated: info.estimated,
    ...(info.clamped && { usageClamped: true }),
    providerCostMicros: counted.providerCostMicros.toString(),
    chargedMicros: counted.chargedMicros.toString(),
    tier: call.principal.tier,
    priceVersion: counted.priceVersion,
    billingPolicyVersion: counted.billingPolicyVersion,
    latencyMs: Math.round(info.latencyMs * 1000) / 1000,
    timeToFirstTokenMs: info.ttft === null ? null : Math.round(info.ttft * 1000) / 1000,
    streamed: info.streamed,
    // Upstream text: typed and bounded (an unknown reason is kept, cut to 64 characters).
    finishReason: boundedText(info.finishReason, UPSTREAM_TEXT_BOUNDS.finishReason) ?? null,
    outcome: info.outcome,
    attempts: attempted.attempt,
  };
}
