import type { FallbackTriggered, RecordRequestOutcome } from '@gw/routing';
import { ACCESS_TOKEN_KEY_ID } from '../../auth/token-authenticator';
import type { BudgetHold } from '../../billing/budget-gate';
import { byokKeyOf } from '../byok-keys';
import type { Attempted } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import type { CountedUsage } from '../usage-accounting';
import type { ChatCall, ChatDeps } from './chat-call';
import { recordProviderLoad, usageData, type AnswerInfo } from './settle.step';
import type { StepTimer } from './step-timer';

export type Outcome = RecordRequestOutcome['data']['outcome'];

/**
 * The record step: writes the request's events (RequestRouted, its fallbacks, and UsageRecorded with
 * its ChargeSettled, or RequestFailed) through the recorder's group commit; strict durability waits
 * for the commit. An answer's charge was settled in the budget store first (the settle step): in this
 * order no instance ever counts it twice, as held and as charged. If the events cannot be written,
 * the settlement is taken back.
 */
export async function recordOutcome(
  recorder: ChatDeps['recorder'],
  call: ChatCall,
  plan: RoutePlan,
  fallbacks: readonly FallbackTriggered['data'][],
  outcome: Outcome,
  now: Date,
  hold?: BudgetHold,
  chargedMicros?: bigint,
): Promise<void> {
  const charging = outcome.kind === 'usage' && hold !== undefined && chargedMicros !== undefined;
  try {
    await recorder.record(
      commandOf(
        call,
        plan,
        fallbacks,
        charging ? { ...outcome, charge: hold.settlement(chargedMicros, now) } : outcome,
        now,
      ),
      now,
    );
  } catch (e) {
    if (charging) hold.unsettle(chargedMicros);
    throw e;
  }
}

/** The request's RecordRequestOutcome: how it was routed (the first candidate), its fallbacks, its outcome. */
function commandOf(
  call: ChatCall,
  plan: RoutePlan,
  fallbacks: readonly FallbackTriggered['data'][],
  settled: Outcome,
  now: Date,
): RecordRequestOutcome {
  const first = plan.candidates[0]!;
  return {
    type: 'RecordRequestOutcome',
    data: {
      routed: {
        requestId: call.requestId,
        userId: call.principal.userId,
        requestedModel: plan.requestedModel,
        powerLevel: plan.powerLevel,
        candidates: plan.candidates.map((c) => ({
          modelId: c.modelId,
          provider: c.provider,
          score: c.score,
          components: c.components,
        })),
        chosenModelId: first.modelId,
        chosenProvider: first.provider,
        keySource: first.byok ? 'byok' : 'platform',
        keyId: byokKeyOf(plan.byok, first)?.keyId ?? null,
        apiKeyId: call.principal.keyId === ACCESS_TOKEN_KEY_ID ? null : call.principal.keyId,
        policyVersion: plan.policyVersion,
        routingMicroseconds: plan.routingMicroseconds,
        streamed: call.dto.stream === true,
        routedAt: now.toISOString(),
        ...(plan.useCase !== undefined && { useCase: plan.useCase }),
        ...(plan.chain && { chain: plan.chain }),
        ...(plan.balancing && { balancing: plan.balancing }),
        needs: plan.needs,
      },
      fallbacks,
      outcome: settled,
    },
  };
}

/**
 * An answer's settle and record steps, streamed or not: its UsageRecorded data, the platform keys'
 * load (recordProviderLoad), the charge settled in the budget store, then the events written
 * (recordOutcome), each step lapped on `steps`.
 */
export async function settleAndRecordAnswer(
  deps: Pick<ChatDeps, 'recorder' | 'clock' | 'context'>,
  call: ChatCall,
  plan: RoutePlan,
  attempted: Attempted,
  fallbacks: readonly FallbackTriggered['data'][],
  counted: CountedUsage,
  info: AnswerInfo,
  hold: BudgetHold | undefined,
  steps: StepTimer,
): Promise<void> {
  const answer = { kind: 'usage' as const, usage: usageData(call, plan, attempted, counted, info) };
  const now = deps.clock.now();
  recordProviderLoad(deps.context, fallbacks, attempted, counted.promptTokens + counted.completionTokens);
  if (hold) await hold.settle(counted.chargedMicros);
  steps.lap('settle');
  await recordOutcome(deps.recorder, call, plan, fallbacks, answer, now, hold, counted.chargedMicros);
  steps.lap('record');
}
