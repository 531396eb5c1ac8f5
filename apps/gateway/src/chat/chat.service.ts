import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DEFAULT_TIER_POLICY, type Principal, type TierPolicy } from '@gw/accounts';
import type { CatalogModel } from '@gw/catalog';
import type { ChatCompletion } from '@gw/providers';
import { promptTokenBound } from '@gw/routing';
import type { Clock } from '@gw/shared-kernel';
import type { BudgetGate, BudgetHold } from '../billing/budget-gate';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ChatCompletionDto } from './chat-completion.dto';
import type { ChatContext } from './chat-context';
import { chooseByokKeys, type UserKeyRing } from './byok-keys';
import type { RequestRecorder } from './request-recorder';
import { walkFallbacks, type AttemptBound, type Attempted } from './fallback-walk';
import { routableModels, type RoutePlan } from './route-planner';
import { usageToCount } from './usage-accounting';
import { admissionOf } from './steps/admit.step';
import { afterWalk, completeOnce, firstChunk, type Answered } from './steps/attempt.step';
import { NO_KEYS, type ChatCall, type ChatDeps, type LimitHeaders } from './steps/chat-call';
import { failRequest } from './steps/fail.step';
import { holdBudget } from './steps/hold.step';
import { attemptsOf, planOf } from './steps/plan.step';
import { settleAndRecordAnswer } from './steps/record.step';
import { answerHeaders, observeAnswer } from './steps/respond.step';
import { pipeStream } from './steps/respond-stream.step';
import { completionText, countAnswer, estimateUsage, recordHealthy } from './steps/settle.step';
import { StepTimer } from './steps/step-timer';

export type { ChatCall } from './steps/chat-call';

/**
 * The chat hot path as its steps (docs/operations.md, "Chat time by step"): the HTTP layer
 * authenticates and validates; then plan (route from memory) → hold (budget) → admit (rate limits) →
 * attempt with fallback → settle (count, price, charge) → record (events) → respond. Each step is a
 * unit in ./steps; each lap of the request's StepTimer is one observation of
 * switchyard_chat_step_seconds{step}.
 */
export class ChatService {
  private readonly deps: ChatDeps;

  constructor(
    context: ChatContext,
    recorder: RequestRecorder,
    metrics: GatewayMetrics,
    logger: Logger,
    clock: Clock,
    keys: UserKeyRing = NO_KEYS,
    /** Which power levels each tier may use (the access directory's, fed from the log). */
    tierPolicy: () => TierPolicy = () => DEFAULT_TIER_POLICY,
    /** Balances and spending caps; absent (unit tests): nothing is held or refused. */
    budget?: BudgetGate,
  ) {
    this.deps = { context, recorder, metrics, logger, clock, keys, tierPolicy, budget };
  }

  /** A request's step clock, started now (the HTTP layer starts it when the request is handed over). */
  startSteps(at?: number): StepTimer {
    return new StepTimer(this.deps.metrics.chatSteps, at);
  }

  async complete(call: ChatCall): Promise<{
    body: ChatCompletion;
    headers: Record<string, string>;
    limitHeaders: LimitHeaders;
  }> {
    const { deps } = this;
    const started = performance.now();
    const steps = call.steps ?? this.startSteps(started);
    const plan = this.plan(call);
    const attempts = attemptsOf(deps.context, plan);
    steps.lap('plan');
    const admission = admissionOf(call);
    const hold = await holdBudget(deps.budget, call, plan, attempts, admission.send);
    steps.lap('hold');
    try {
      const limitHeaders = await admission.headers();
      steps.lap('admit');
      let upstreamMs = 0;
      const {
        attempted,
        value: completion,
        fallbacks,
      } = await this.attempt(call, plan, attempts, started, steps, async (attempt, bound) => {
        const sent = performance.now();
        try {
          return await completeOnce(deps, call, plan, attempt, bound);
        } finally {
          upstreamMs += performance.now() - sent;
        }
      });
      const latencyMs = performance.now() - started;
      recordHealthy(deps.context, plan, attempted, latencyMs);
      const { usage, estimated, clamped } = usageToCount(completion.usage, () =>
        estimateUsage(call, attempted.model, completionText(completion)),
      );
      const counted = countAnswer(deps.context, call, plan, attempted, usage, clamped);
      await settleAndRecordAnswer(
        deps,
        call,
        plan,
        attempted,
        fallbacks,
        counted,
        {
          estimated,
          clamped,
          latencyMs,
          ttft: null,
          streamed: false,
          finishReason: completion.choices[0]?.finish_reason ?? null,
          outcome: 'completed',
        },
        hold,
        steps,
      );
      // respond: the HTTP layer ends this step once the answer is sent.
      observeAnswer(
        deps.metrics,
        plan,
        attempted,
        'completed',
        false,
        latencyMs,
        null,
        latencyMs - upstreamMs,
        counted,
      );
      return {
        body: { ...completion, model: attempted.model.id },
        headers: {
          ...answerHeaders(deps.context, call, attempted, fallbacks, hold),
          'x-switchyard-cost-micros': counted.providerCostMicros.toString(),
          'x-switchyard-charge-micros': counted.chargedMicros.toString(),
        },
        limitHeaders,
      };
    } finally {
      hold?.release();
    }
  }

  /** Streams the answer as OpenAI SSE. Falls back only before the first byte reaches the client. */
  async stream(call: ChatCall, res: ServerResponse): Promise<void> {
    const { deps } = this;
    const started = performance.now();
    const steps = call.steps ?? this.startSteps(started);
    const plan = this.plan(call);
    const attempts = attemptsOf(deps.context, plan);
    steps.lap('plan');
    const admission = admissionOf(call);
    const hold = await holdBudget(deps.budget, call, plan, attempts, admission.send);
    steps.lap('hold');
    try {
      const limitHeaders = await admission.headers();
      steps.lap('admit');
      for (const [name, value] of Object.entries(limitHeaders)) res.setHeader(name, value);
      await this.streamHeld(call, res, plan, attempts, hold, started, steps);
    } finally {
      hold?.release();
    }
  }

  private async streamHeld(
    call: ChatCall,
    res: ServerResponse,
    plan: RoutePlan,
    attempts: readonly Attempted[],
    hold: BudgetHold | undefined,
    started: number,
    steps: StepTimer,
  ): Promise<void> {
    const { attempted, value, fallbacks } = await this.attempt(
      call,
      plan,
      attempts,
      started,
      steps,
      (attempt, bound) => firstChunk(this.deps, call, plan, attempt, bound),
    );
    await pipeStream(
      this.deps,
      call,
      plan,
      attempted,
      fallbacks,
      res,
      value.first,
      value.iterator,
      started,
      hold,
      steps,
    );
  }

  /**
   * The attempt step: tries the plan's candidates in order (walkFallbacks); a walk that ends
   * unanswered is recorded as failed and thrown as the caller's error.
   */
  private async attempt<T>(
    call: ChatCall,
    plan: RoutePlan,
    attempts: readonly Attempted[],
    started: number,
    steps: StepTimer,
    tryOne: (attempted: Attempted, bound: AttemptBound) => Promise<T>,
  ): Promise<Answered<T>> {
    const { context } = this.deps;
    // Each attempt is bounded by the level's latency cap and the request's deadline (from `started`).
    const walk = await walkFallbacks(
      attempts,
      {
        policy: context.policy,
        level: plan.powerLevel,
        startedMs: started,
        health: context.health,
        signal: call.signal,
        trial: plan.panic,
      },
      tryOne,
    );
    const fallbacks = afterWalk(this.deps, call, plan, walk);
    steps.lap('attempt');
    if (walk.answered) return { attempted: walk.attempted, value: walk.value, fallbacks };
    throw await failRequest(this.deps, call, plan, fallbacks, walk, started, steps);
  }

  /** The models this caller could be routed to: the platform's and those their own keys unlock. */
  modelsFor(principal: Principal): readonly CatalogModel[] {
    const { context, keys } = this.deps;
    return routableModels(context.catalog, chooseByokKeys(principal, keys, context.health));
  }

  /**
   * The route this request would take now, from memory, without calling anyone: the same planner,
   * policy, health, tier rules and BYOK keys as a real call (the settings page's cost estimate).
   */
  planFor(principal: Principal, dto: ChatCompletionDto, promptTokens: number): RoutePlan {
    return planOf(this.deps, principal, dto, undefined, promptTokens);
  }

  private plan(call: ChatCall): RoutePlan {
    return planOf(
      this.deps,
      call.principal,
      call.dto,
      call.powerLevelHeader,
      call.promptTokens ?? promptTokenBound(call.dto),
      { requestId: call.requestId, useCaseHeader: call.useCaseHeader },
    );
  }
}
