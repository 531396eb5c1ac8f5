import type { FallbackTriggered } from '@gw/routing';
import type { BudgetHold } from '../../billing/budget-gate';
import type { Attempted } from '../fallback-walk';
import { ignoredParamsHeader } from '../request-params';
import type { RoutePlan } from '../route-planner';
import type { CountedUsage } from '../usage-accounting';
import type { ChatCall, ChatDeps } from './chat-call';
import { providerOf, upstreamOf } from './upstream';

/** The x-switchyard-* headers of an answer: who answered, after how many attempts, and what to know. */
export function answerHeaders(
  context: ChatDeps['context'],
  call: ChatCall,
  { model, attempt: attempts, candidate }: Attempted,
  fallbacks: readonly FallbackTriggered['data'][],
  hold: BudgetHold | undefined,
): Record<string, string> {
  const ignored = ignoredParamsHeader(
    call.body,
    upstreamOf(context, model).knownParams,
    providerOf(context, model.provider),
  );
  const byok = candidate.byok
    ? 'used'
    : fallbacks.some((f) => f.reason === 'byok_key_rejected')
      ? 'bypassed'
      : undefined;
  return {
    'x-switchyard-request-id': call.requestId,
    'x-switchyard-provider': model.provider,
    'x-switchyard-model': model.id,
    'x-switchyard-attempts': String(attempts),
    ...(model.deprecation && { 'x-switchyard-deprecated': model.deprecation.replacement ?? 'true' }),
    ...(ignored && { 'x-switchyard-ignored-params': ignored }),
    ...(byok && { 'x-switchyard-byok': byok }),
    ...(hold?.capWarning && { 'x-switchyard-cap-warning': hold.capWarning }),
  };
}

/**
 * The stream's extension fields on its final usage chunk (headers are gone by then): micro-dollars as
 * strings, like the x-switchyard-cost-micros and x-switchyard-charge-micros headers of JSON answers.
 */
export const moneyOf = (counted: CountedUsage): { cost_micros: string; charge_micros: string } => ({
  cost_micros: counted.providerCostMicros.toString(),
  charge_micros: counted.chargedMicros.toString(),
});

/** The answered request in the product's metrics (llm_requests_total, durations, tokens, money). */
export function observeAnswer(
  metrics: ChatDeps['metrics'],
  plan: RoutePlan,
  { model }: Attempted,
  status: string,
  streamed: boolean,
  latencyMs: number,
  ttftMs: number | null,
  overheadMs: number | null,
  counted: CountedUsage,
): void {
  metrics.observeChat({
    provider: model.provider,
    model: model.id,
    powerLevel: plan.powerLevel,
    status,
    streamed,
    durationSeconds: latencyMs / 1000,
    ttftSeconds: ttftMs === null ? null : ttftMs / 1000,
    overheadSeconds: overheadMs === null ? null : Math.max(0, overheadMs) / 1000,
    tokens: {
      input: counted.promptTokens,
      output: counted.completionTokens,
      cached: counted.cachedTokens,
      reasoning: counted.reasoningTokens,
      cacheWrite: counted.cacheWriteTokens,
    },
    costMicros: counted.providerCostMicros,
    chargeMicros: counted.chargedMicros,
  });
}
