import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DEFAULT_TIER_POLICY, type Principal, type TierPolicy } from '@gw/accounts';
import type { CatalogModel } from '@gw/catalog';
import {
  UpstreamError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type CompletionUsage as ChatCompletionUsage,
  type UpstreamTarget,
} from '@gw/providers';
import type { FallbackTriggered, RecordRequestOutcome, UsageRecorded } from '@gw/routing';
import { estimateTokens, promptTokenBound } from '@gw/routing';
import { boundedText, UPSTREAM_TEXT_BOUNDS, type Clock, type RedisFieldGuard } from '@gw/shared-kernel';
import { outputTokenBound, type TokenDemand } from '@gw/usage-billing';
import { ACCESS_TOKEN_KEY_ID } from '../auth/token-authenticator';
import type { BudgetGate, BudgetHold } from '../billing/budget-gate';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ChatCompletionDto } from './chat-completion.dto';
import type { ChatContext } from './chat-context';
import {
  byokKeyOf,
  chooseByokKeys,
  withPlatformFallbacks,
  type ByokChoice,
  type UserKeyRing,
} from './byok-keys';
import { AllProvidersFailedError, ByokKeyRejectedError, UpstreamRejectedError } from './chat.errors';
import type { RequestRecorder } from './request-recorder';
import { walkFallbacks, type Attempted, type FallbackHop } from './fallback-walk';
import { earliestRetryMs, planRoute, routableModels, type RoutePlan } from './route-planner';
import { ignoredParamsHeader, upstreamRequest } from './request-params';
import { countUsage, usageToCount, type CountedUsage } from './usage-accounting';
import { promptTokenEstimate } from './prompt-tokens';

export interface ChatCall {
  readonly principal: Principal;
  readonly dto: ChatCompletionDto;
  /** The body as the client sent it: unknown fields pass through to the upstream. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly requestId: string;
  readonly powerLevelHeader?: string;
  readonly signal: AbortSignal;
  /**
   * An upper bound on the prompt's tokens (promptTokenBound), computed once per request: the routing,
   * rate-limit and budget steps share it; absent: computed here.
   */
  readonly promptTokens?: number;
  /** Streams: every SSE text written is also pushed here (an Idempotency-Key's stored answer). */
  readonly transcript?: string[];
  /**
   * Told the tokens an answered request used (prompt + completion), e.g. to correct tokens per minute;
   * `clamped`: the upstream's usage was refused in part (then nothing may be given back).
   */
  readonly onUsage?: (tokens: number, clamped: boolean) => void;
  /**
   * The tier's rate limits: asked once the budget holds the request (a request refused for money
   * takes no rate-limit slot), before any upstream call; throws the 429, else gives the
   * x-ratelimit-* headers.
   */
  readonly admit?: () => Promise<Readonly<Record<string, string>>>;
  /**
   * The same step sent behind the budget's hold on its Redis connection (no round trip of its own),
   * counted only if the hold is there; undefined when it was not decided that way (then `admit`).
   */
  readonly admitBehind?: (guard: RedisFieldGuard) => Promise<Readonly<Record<string, string>> | undefined>;
}

type LimitHeaders = Readonly<Record<string, string>>;

/**
 * A request's rate-limit step: `send` (given to the budget step) sends it behind the hold when the
 * hold goes to Redis; `headers` waits for that answer, or asks `admit` when there was none.
 */
function admissionOf(call: ChatCall): {
  readonly send: ((guard: RedisFieldGuard) => void) | undefined;
  headers(): Promise<LimitHeaders>;
} {
  let behind: Promise<LimitHeaders | undefined> | undefined;
  const admitBehind = call.admitBehind;
  return {
    send:
      admitBehind &&
      ((guard) => {
        behind = admitBehind(guard);
        behind.catch(() => undefined); // a refused hold (402) leaves its answer unread
      }),
    async headers() {
      return (behind && (await behind)) ?? (await call.admit?.()) ?? {};
    },
  };
}

type Outcome = RecordRequestOutcome['data']['outcome'];

/** No user keys at all (a gateway without the keys feed, unit tests). */
const NO_KEYS: UserKeyRing = {
  routingKeys: () => new Map(),
  apiKey: () => undefined,
  used: () => undefined,
  rejected: () => undefined,
};

/** The provider refused the caller's own key (401/403): the key is marked invalid, the walk moves on. */
const isByokRejection = (from: Attempted, error: UpstreamError): boolean =>
  from.candidate.byok && error.kind === 'auth';

/**
 * The stream's extension fields on its final usage chunk (headers are gone by then): micro-dollars as
 * strings, like the x-switchyard-cost-micros and x-switchyard-charge-micros headers of JSON answers.
 */
const moneyOf = (counted: CountedUsage): { cost_micros: string; charge_micros: string } => ({
  cost_micros: counted.providerCostMicros.toString(),
  charge_micros: counted.chargedMicros.toString(),
});

/** The chat hot path: route from memory, call upstream with fallback, record events, answer. */
export class ChatService {
  constructor(
    private readonly context: ChatContext,
    private readonly recorder: RequestRecorder,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly keys: UserKeyRing = NO_KEYS,
    /** Which power levels each tier may use (the access directory's, fed from the log). */
    private readonly tierPolicy: () => TierPolicy = () => DEFAULT_TIER_POLICY,
    /** Balances and spending caps; absent (unit tests): nothing is held or refused. */
    private readonly budget?: BudgetGate,
  ) {}

  async complete(call: ChatCall): Promise<{
    body: ChatCompletion;
    headers: Record<string, string>;
    limitHeaders: Readonly<Record<string, string>>;
  }> {
    const started = performance.now();
    const plan = this.plan(call);
    const attempts = this.attempts(plan);
    const admission = admissionOf(call);
    const hold = await this.hold(call, plan, attempts, admission.send);
    try {
      const limitHeaders = await admission.headers();
      let upstreamMs = 0;
      const {
        attempted,
        value: completion,
        fallbacks,
      } = await this.withFallback(call, plan, attempts, started, async (attempt) => {
        const sent = performance.now();
        try {
          return await this.upstreamOf(attempt.model).complete(
            this.target(attempt, plan.byok),
            this.upstreamBody(call.body, attempt.model, false),
            call.signal,
          );
        } finally {
          upstreamMs += performance.now() - sent;
        }
      });
      const latencyMs = performance.now() - started;
      this.recordHealthy(plan, attempted, latencyMs);
      const { usage, estimated, clamped } = usageToCount(completion.usage, () =>
        estimateUsage(call, attempted.model, completionText(completion)),
      );
      const counted = this.count(call, plan, attempted, usage, clamped);
      await this.record(
        call,
        plan,
        fallbacks,
        {
          kind: 'usage',
          usage: this.usageData(call, plan, attempted, counted, {
            estimated,
            clamped,
            latencyMs,
            ttft: null,
            streamed: false,
            finishReason: completion.choices[0]?.finish_reason ?? null,
            outcome: 'completed',
          }),
        },
        hold,
        counted,
      );
      this.observe(plan, attempted, 'completed', false, latencyMs, null, latencyMs - upstreamMs, counted);
      return {
        body: { ...completion, model: attempted.model.id },
        headers: {
          ...this.headers(call, attempted, fallbacks, hold),
          'x-switchyard-cost-micros': counted.providerCostMicros.toString(),
          'x-switchyard-charge-micros': counted.chargedMicros.toString(),
        },
        limitHeaders,
      };
    } finally {
      hold?.release();
    }
  }

  /** The budget step: the worst case of every candidate the walk may try, held before any upstream call. */
  private hold(
    call: ChatCall,
    plan: RoutePlan,
    attempts: readonly Attempted[],
    behind: ((guard: RedisFieldGuard) => void) | undefined,
  ): Promise<BudgetHold> | undefined {
    if (!this.budget) return undefined;
    const { principal } = call;
    return this.budget.reserve(
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

  /** Streams the answer as OpenAI SSE. Falls back only before the first byte reaches the client. */
  async stream(call: ChatCall, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const plan = this.plan(call);
    const attempts = this.attempts(plan);
    const admission = admissionOf(call);
    const hold = await this.hold(call, plan, attempts, admission.send);
    try {
      const limitHeaders = await admission.headers();
      for (const [name, value] of Object.entries(limitHeaders)) res.setHeader(name, value);
      await this.streamHeld(call, res, plan, attempts, hold, started);
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
  ): Promise<void> {
    const { attempted, value, fallbacks } = await this.withFallback(
      call,
      plan,
      attempts,
      started,
      async (attempt) => {
        const { model } = attempt;
        const iterator = this.upstreamOf(model)
          .stream(this.target(attempt, plan.byok), this.upstreamBody(call.body, model, true), call.signal)
          [Symbol.asyncIterator]();
        const first = await iterator.next();
        if (first.done) {
          throw new UpstreamError({
            kind: 'stream_interrupted',
            providerSlug: model.provider,
            upstreamMessage: 'the stream ended before any chunk',
          });
        }
        return { first: first.value, iterator };
      },
    );
    await this.pipeStream(call, plan, attempted, fallbacks, res, value.first, value.iterator, started, hold);
  }

  /** Tries the plan's candidates in order (see walkFallbacks); a walk that ends unanswered is recorded as failed. */
  private async withFallback<T>(
    call: ChatCall,
    plan: RoutePlan,
    attempts: readonly Attempted[],
    started: number,
    attempt: (attempted: Attempted) => Promise<T>,
  ): Promise<{ attempted: Attempted; value: T; fallbacks: FallbackTriggered['data'][] }> {
    const walk = await walkFallbacks(
      attempts,
      { policy: this.context.policy, health: this.context.health, signal: call.signal, trial: plan.panic },
      attempt,
    );
    const fallbacks = walk.hops.map((hop) => this.fallbackData(call, hop));
    this.noteRejectedKeys(call, plan.byok, walk);
    if (walk.answered) {
      const key = byokKeyOf(plan.byok, walk.attempted.candidate);
      if (key) this.keys.used(key);
      return { attempted: walk.attempted, value: walk.value, fallbacks };
    }
    throw await this.fail(call, plan, fallbacks, walk, started);
  }

  private async pipeStream(
    call: ChatCall,
    plan: RoutePlan,
    attempted: Attempted,
    fallbacks: FallbackTriggered['data'][],
    res: ServerResponse,
    first: ChatCompletionChunk,
    iterator: AsyncIterator<ChatCompletionChunk>,
    started: number,
    hold: BudgetHold | undefined,
  ): Promise<void> {
    const { model } = attempted;
    const ttft = performance.now() - started;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.headers(call, attempted, fallbacks, hold),
    });
    const includeUsage = call.dto.stream_options?.include_usage === true;
    let reported: ChatCompletionUsage | undefined;
    let usageChunk: ChatCompletionChunk | undefined;
    let text = '';
    let finishReason: string | null = null;
    let interrupted: UpstreamError | undefined;
    const { transcript } = call;
    const send = (sse: string): void => {
      transcript?.push(sse);
      res.write(sse);
    };
    const forward = (chunk: ChatCompletionChunk): void => {
      if (chunk.usage) {
        reported = chunk.usage;
        if (chunk.choices.length === 0) {
          usageChunk = chunk; // sent last, just before [DONE], and only when asked for
          return;
        }
      }
      for (const choice of chunk.choices) {
        if (choice.delta?.content) text += choice.delta.content;
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      const { usage: _usage, ...rest } = chunk;
      if (!res.destroyed) send(`data: ${JSON.stringify({ ...rest, model: model.id })}\n\n`);
    };
    try {
      forward(first);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) forward(next.value);
    } catch (e) {
      interrupted =
        e instanceof UpstreamError
          ? e
          : new UpstreamError({
              kind: 'stream_interrupted',
              providerSlug: model.provider,
              upstreamMessage: 'the stream was interrupted',
            });
    }
    const clientGone = call.signal.aborted;
    const { usage, estimated, clamped } = usageToCount(reported, () => estimateUsage(call, model, text));
    const counted = this.count(call, plan, attempted, usage, clamped);
    const latencyMs = performance.now() - started;
    const outcome = interrupted || clientGone ? 'interrupted' : 'completed';
    if (outcome === 'completed') this.recordHealthy(plan, attempted, latencyMs);
    else if (!clientGone)
      this.context.health.recordFailure(
        model.provider,
        interrupted?.kind ?? 'stream_interrupted',
        undefined,
        {
          credential: attempted.candidate.credential,
          trial: plan.panic,
        },
      );
    try {
      await this.record(
        call,
        plan,
        fallbacks,
        {
          kind: 'usage',
          usage: this.usageData(call, plan, attempted, counted, {
            estimated,
            clamped,
            latencyMs,
            ttft,
            streamed: true,
            finishReason,
            outcome,
          }),
        },
        hold,
        counted,
      );
    } catch {
      if (!res.destroyed) {
        res.end(
          `data: ${JSON.stringify({ error: { message: 'The answer could not be recorded, so it is incomplete. Retry the request.', type: 'api_error', code: 'usage_not_recorded', param: null } })}\n\n`,
        );
      }
      return;
    }
    this.observe(plan, attempted, outcome, true, latencyMs, ttft, null, counted);
    this.logger.info(
      {
        requestId: call.requestId,
        path: '/v1/chat/completions',
        status: 200,
        stream: true,
        outcome,
        provider: model.provider,
        ms: Math.round(latencyMs * 1000) / 1000,
      },
      'request',
    );
    if (res.destroyed) return;
    if (interrupted) {
      const body = {
        error: {
          message: `The upstream stream failed: ${interrupted.kind}`,
          type: 'api_error',
          code: 'upstream_stream_interrupted',
          param: null,
        },
      };
      res.end(`data: ${JSON.stringify(body)}\n\n`);
      return;
    }
    if (includeUsage) {
      const chunk = usageChunk ?? {
        id: first.id,
        object: 'chat.completion.chunk',
        created: first.created,
        model: model.id,
        choices: [],
      };
      send(`data: ${JSON.stringify({ ...chunk, model: model.id, usage, switchyard: moneyOf(counted) })}\n\n`);
    }
    transcript?.push('data: [DONE]\n\n');
    res.end('data: [DONE]\n\n');
  }

  /** The models this caller could be routed to: the platform's and those their own keys unlock. */
  modelsFor(principal: Principal): readonly CatalogModel[] {
    return routableModels(this.context.catalog, chooseByokKeys(principal, this.keys, this.context.health));
  }

  /**
   * The route this request would take now, from memory, without calling anyone: the same planner,
   * policy, health, tier rules and BYOK keys as a real call (the settings page's cost estimate).
   */
  planFor(principal: Principal, dto: ChatCompletionDto, promptTokens: number): RoutePlan {
    return planRoute(
      dto,
      principal,
      undefined,
      this.tierPolicy(),
      this.context.catalog,
      this.context.policy,
      this.context.health,
      chooseByokKeys(principal, this.keys, this.context.health),
      promptTokens,
    );
  }

  private plan(call: ChatCall): RoutePlan {
    return planRoute(
      call.dto,
      call.principal,
      call.powerLevelHeader,
      this.tierPolicy(),
      this.context.catalog,
      this.context.policy,
      this.context.health,
      chooseByokKeys(call.principal, this.keys, this.context.health),
      call.promptTokens ?? promptTokenBound(call.dto),
    );
  }

  /**
   * The candidates to try, in order, up to the policy's max attempts; a candidate paid by the caller's
   * key is followed by the same model on a healthy platform key, if there is one (not with byokOnly).
   */
  private attempts(plan: RoutePlan): Attempted[] {
    const candidates = withPlatformFallbacks(plan.candidates, plan.byok, (provider) => {
      const p = this.context.catalog.providers.get(provider);
      return p !== undefined && this.context.health.isAvailable(provider);
    });
    const max = Math.min(candidates.length, this.context.policy.maxAttempts);
    const attempts: Attempted[] = [];
    for (let i = 0; i < max; i++) {
      const candidate = candidates[i]!;
      const model = plan.models.get(candidate.modelId);
      if (model) attempts.push({ candidate, model, attempt: attempts.length + 1 });
    }
    return attempts;
  }

  private recordHealthy(plan: RoutePlan, { candidate, model }: Attempted, latencyMs: number): void {
    this.context.health.recordSuccess(model.provider, model.id, latencyMs, {
      credential: candidate.credential,
      trial: plan.panic,
    });
  }

  private fallbackData(call: ChatCall, { from, to, error }: FallbackHop): FallbackTriggered['data'] {
    const reason = isByokRejection(from, error) ? 'byok_key_rejected' : error.kind;
    this.metrics.observeFallback({ from: from.model.provider, to: to.model.provider, reason });
    return {
      requestId: call.requestId,
      userId: call.principal.userId,
      fromModelId: from.model.id,
      toModelId: to.model.id,
      reason,
      status: error.status ?? null,
      attempt: from.attempt,
      fromProvider: from.model.provider,
      fromCredential: from.candidate.byok ? 'byok' : 'platform',
    };
  }

  /** Keys their providers refused during the walk are marked invalid, off the request path. */
  private noteRejectedKeys(
    call: ChatCall,
    byok: ByokChoice,
    walk: Awaited<ReturnType<typeof walkFallbacks>>,
  ): void {
    if (byok.keys.size === 0) return;
    const refused = walk.hops.filter((h) => isByokRejection(h.from, h.error));
    const failures = refused.map((h) => ({ from: h.from, error: h.error }));
    if (!walk.answered && walk.last && walk.error && isByokRejection(walk.last, walk.error))
      failures.push({ from: walk.last, error: walk.error });
    for (const { from, error } of failures) {
      const key = byokKeyOf(byok, from.candidate);
      if (key) this.keys.rejected(key, error.status ?? null, call.requestId);
    }
  }

  private async fail(
    call: ChatCall,
    plan: RoutePlan,
    fallbacks: FallbackTriggered['data'][],
    walk: Extract<Awaited<ReturnType<typeof walkFallbacks>>, { answered: false }>,
    started: number,
  ): Promise<Error> {
    const { last, error, clientClosed } = walk;
    const attempts = last?.attempt ?? 0;
    const rejected = error && !error.retryable && !clientClosed;
    const outage = new AllProvidersFailedError(
      attempts,
      error,
      earliestRetryMs(plan.candidates, this.context.health) || (error?.retryAfterMs ?? 0),
      walk.rateLimited,
    );
    const status = clientClosed ? 499 : rejected ? (error.status ?? 400) : outage.toErrorResponse().status;
    if (last) {
      await this.record(call, plan, fallbacks, {
        kind: 'failed',
        failure: {
          requestId: call.requestId,
          userId: call.principal.userId,
          reason: clientClosed ? 'client_closed' : (error?.kind ?? 'unknown'),
          status,
          attempts,
          lastProvider: last.model.provider,
          lastModelId: last.model.id,
          lastCredential: last.candidate.byok ? 'byok' : 'platform',
        },
      });
      this.metrics.observeFailure({
        provider: last.model.provider,
        model: last.model.id,
        powerLevel: plan.powerLevel,
        status: clientClosed ? 'client_closed' : 'failed',
        streamed: call.dto.stream === true,
      });
    }
    this.logger.warn(
      {
        requestId: call.requestId,
        attempts,
        reason: error?.kind,
        panic: plan.panic,
        ms: performance.now() - started,
      },
      'chat request failed',
    );
    // The caller's own key was the last thing refused (with byokOnly, nothing else is ever tried).
    if (last && error && !clientClosed && isByokRejection(last, error))
      return new ByokKeyRejectedError(last.model.provider, plan.byok.only);
    return rejected && error ? new UpstreamRejectedError(error) : outage;
  }

  /**
   * Writes the request's events. An answered request's charge is settled in the budget store first,
   * then written (UsageRecorded with its ChargeSettled): in this order no instance ever counts it
   * twice, as held and as charged. If the events cannot be written, the settlement is taken back.
   */
  private async record(
    call: ChatCall,
    plan: RoutePlan,
    fallbacks: readonly FallbackTriggered['data'][],
    outcome: Outcome,
    hold?: BudgetHold,
    counted?: CountedUsage,
  ): Promise<void> {
    const now = this.clock.now();
    const charging = outcome.kind === 'usage' && hold !== undefined && counted !== undefined;
    if (charging) await hold.settle(counted.chargedMicros);
    try {
      await this.write(
        call,
        plan,
        fallbacks,
        charging ? { ...outcome, charge: hold.settlement(counted.chargedMicros, now) } : outcome,
        now,
      );
    } catch (e) {
      if (charging) hold.unsettle(counted.chargedMicros);
      throw e;
    }
  }

  private write(
    call: ChatCall,
    plan: RoutePlan,
    fallbacks: readonly FallbackTriggered['data'][],
    settled: Outcome,
    now: Date,
  ): Promise<void> {
    const first = plan.candidates[0]!;
    return this.recorder.record(
      {
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
          },
          fallbacks,
          outcome: settled,
        },
      },
      now,
    );
  }

  /** Priced at the answering model's prices, charged under the billing policy in force now. */
  private count(
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
      this.context.billing,
    );
  }

  private usageData(
    call: ChatCall,
    plan: RoutePlan,
    attempted: Attempted,
    counted: CountedUsage,
    info: {
      estimated: boolean;
      clamped: boolean;
      latencyMs: number;
      ttft: number | null;
      streamed: boolean;
      finishReason: string | null;
      outcome: 'completed' | 'interrupted';
    },
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

  private observe(
    plan: RoutePlan,
    { model }: Attempted,
    status: string,
    streamed: boolean,
    latencyMs: number,
    ttftMs: number | null,
    overheadMs: number | null,
    counted: CountedUsage,
  ): void {
    this.metrics.observeChat({
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

  private headers(
    call: ChatCall,
    { model, attempt: attempts, candidate }: Attempted,
    fallbacks: readonly FallbackTriggered['data'][],
    hold: BudgetHold | undefined,
  ): Record<string, string> {
    const ignored = ignoredParamsHeader(
      call.body,
      this.upstreamOf(model).knownParams,
      this.providerOf(model.provider),
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

  /** A provider of the snapshot: one with a platform key, or one that serves only with users' keys. */
  private providerOf(slug: string) {
    return this.context.catalog.providers.get(slug) ?? this.context.catalog.keyOnly?.providers.get(slug);
  }

  /**
   * Where the attempt goes, with the key that pays: the caller's own (BYOK) or the platform's. A
   * caller's own endpoint (custom) is a user-supplied URL: its addresses are checked as such.
   */
  private target({ model, candidate }: Attempted, byok: ByokChoice): UpstreamTarget {
    const custom = byok.custom?.providers.get(model.provider);
    const provider = custom ?? this.providerOf(model.provider);
    if (!provider)
      // Removed or disabled between routing and this attempt: try the next candidate.
      throw new UpstreamError({
        kind: 'connection',
        providerSlug: model.provider,
        upstreamMessage: 'the provider no longer serves requests',
      });
    const userKey = byokKeyOf(byok, candidate);
    return {
      providerSlug: model.provider,
      baseUrl: provider.baseUrl,
      apiKey: userKey ? this.keys.apiKey(userKey) : provider.apiKey,
      upstreamModel: model.upstreamModel,
      timeoutMs: this.context.policy.attemptTimeoutMs,
      ...(custom && { trust: 'user' as const }),
    };
  }

  private upstreamOf(model: CatalogModel) {
    const kind = this.providerOf(model.provider)?.kind ?? 'openai-compatible';
    const upstream = this.context.upstreams.get(kind);
    if (!upstream) throw new Error(`No upstream adapter for ${kind}`);
    return upstream;
  }

  private upstreamBody(
    body: Readonly<Record<string, unknown>>,
    model: CatalogModel,
    stream: boolean,
  ): ChatCompletionRequest {
    return upstreamRequest(body, this.providerOf(model.provider), model.upstreamModel, stream);
  }
}

function completionText(c: ChatCompletion): string {
  return c.choices.map((ch) => (typeof ch.message?.content === 'string' ? ch.message.content : '')).join('');
}

/** What the request may use at most: the prompt's bound, n × the output it asks for (TokenDemand). */
function demandOf(call: ChatCall): TokenDemand {
  const { dto } = call;
  return {
    promptTokens: call.promptTokens ?? promptTokenBound(dto),
    maxOutputTokens: dto.max_completion_tokens ?? dto.max_tokens ?? undefined,
    choices: dto.n ?? 1,
  };
}

/**
 * When the upstream reports no usage, count with the tokenizer (a lower bound for a cut stream),
 * bounded in time however long the prompt (estimateTokens samples long texts; images at a fixed cost),
 * and never above what was held (the prompt's bound, the output the request may get on this model): a
 * charge never passes its hold, whatever an upstream sends instead of usage.
 */
function estimateUsage(call: ChatCall, model: CatalogModel, completion: string): ChatCompletionUsage {
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
