import { UpstreamError, type ChatCompletion, type ChatCompletionChunk } from '@gw/providers';
import type { FallbackTriggered } from '@gw/routing';
import { byokKeyOf, type ByokChoice, type UserKeyRing } from '../byok-keys';
import {
  AttemptCutError,
  type AttemptBound,
  type Attempted,
  type FallbackHop,
  type WalkOutcome,
} from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import type { ChatCall, ChatDeps } from './chat-call';
import { targetOf, upstreamBody, upstreamOf } from './upstream';

/** An answered walk: the attempt that answered, its value, the hops before it. */
export interface Answered<T> {
  readonly attempted: Attempted;
  readonly value: T;
  readonly fallbacks: FallbackTriggered['data'][];
}

/** A stream's first chunk: once it is there the answer has begun and the walk ends. */
export interface FirstChunk {
  readonly first: ChatCompletionChunk;
  readonly iterator: AsyncIterator<ChatCompletionChunk>;
}

/** The provider refused the caller's own key (401/403): the key is marked invalid, the walk moves on. */
export const isByokRejection = (from: Attempted, error: UpstreamError): boolean =>
  from.candidate.byok && error.kind === 'auth';

/**
 * An attempt's own abort signal: aborted when the caller's is (the client went away), or with an
 * AttemptCutError when the attempt's bound passes before its answer began (the adapter rethrows that
 * reason, so the attempt fails as a `timeout`). One controller and one timer per attempt.
 */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** The answer began (a stream's first chunk): the bound no longer applies (the attempt timeout does). */
  began(): void;
  /** The attempt is over: no timer, and the caller's signal no longer aborts it. */
  end(): void;
}

export function attemptSignal(
  outer: AbortSignal,
  bound: AttemptBound,
  providerSlug: string,
  streamed: boolean,
): AttemptSignal {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(outer.reason);
  if (outer.aborted) controller.abort(outer.reason);
  else outer.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new AttemptCutError(bound.by, bound.ms, providerSlug, streamed)),
    bound.ms,
  );
  return {
    signal: controller.signal,
    began: () => clearTimeout(timer),
    end: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * One unary try of one candidate: the upstream's whole answer, which must arrive within the
 * attempt's bound (a provider sends a non-streamed answer when it is done, so the latency cap covers
 * the whole generation).
 */
export async function completeOnce(
  { context, keys }: Pick<ChatDeps, 'context' | 'keys'>,
  call: ChatCall,
  plan: RoutePlan,
  attempt: Attempted,
  bound: AttemptBound,
): Promise<ChatCompletion> {
  const upstream = upstreamOf(context, attempt.model);
  const target = targetOf(context, keys, attempt, plan.byok);
  const cut = attemptSignal(call.signal, bound, attempt.model.provider, false);
  try {
    return await upstream.complete(
      target,
      upstreamBody(context, call.body, attempt.model, false),
      cut.signal,
    );
  } finally {
    cut.end();
  }
}

/**
 * One streamed try: answered once its first chunk arrives within the attempt's bound (a stream that
 * ends before one failed). From then on the bound no longer applies: the rest of the stream is
 * governed by the attempt timeout (each read), and the client going away still aborts it.
 */
export async function firstChunk(
  { context, keys }: Pick<ChatDeps, 'context' | 'keys'>,
  call: ChatCall,
  plan: RoutePlan,
  attempt: Attempted,
  bound: AttemptBound,
): Promise<FirstChunk> {
  const { model } = attempt;
  const upstream = upstreamOf(context, model);
  const target = targetOf(context, keys, attempt, plan.byok);
  const cut = attemptSignal(call.signal, bound, model.provider, true);
  let first: IteratorResult<ChatCompletionChunk>;
  let iterator: AsyncIterator<ChatCompletionChunk>;
  try {
    iterator = upstream
      .stream(target, upstreamBody(context, call.body, model, true), cut.signal)
      [Symbol.asyncIterator]();
    first = await iterator.next();
  } catch (e) {
    cut.end();
    throw e;
  }
  if (first.done) {
    cut.end();
    throw new UpstreamError({
      kind: 'stream_interrupted',
      providerSlug: model.provider,
      upstreamMessage: 'the stream ended before any chunk',
    });
  }
  // The caller's signal stays linked for the rest of the stream (both live as long as the request).
  cut.began();
  return { first: first.value, iterator };
}

/**
 * After the walk (walkFallbacks): its hops as FallbackTriggered data (each counted in
 * llm_fallbacks_total), the caller's keys their providers refused marked invalid, the key that
 * answered marked used.
 */
export function afterWalk<T>(
  { metrics, keys }: Pick<ChatDeps, 'metrics' | 'keys'>,
  call: ChatCall,
  plan: RoutePlan,
  walk: WalkOutcome<T>,
): FallbackTriggered['data'][] {
  const fallbacks = walk.hops.map((hop) => fallbackData(metrics, call, hop));
  noteRejectedKeys(keys, call, plan.byok, walk);
  if (walk.answered) {
    const key = byokKeyOf(plan.byok, walk.attempted.candidate);
    if (key) keys.used(key);
  }
  return fallbacks;
}

function fallbackData(
  metrics: ChatDeps['metrics'],
  call: ChatCall,
  { from, to, error }: FallbackHop,
): FallbackTriggered['data'] {
  const kind = isByokRejection(from, error) ? 'byok_key_rejected' : error.kind;
  metrics.observeFallback({ from: from.model.provider, to: to.model.provider, reason: kind });
  // A latency cap says so in the recorded reason (the explanation shows it); the metric keeps the kind.
  const reason =
    error instanceof AttemptCutError && error.by === 'latency_cap' ? error.upstreamMessage : kind;
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
function noteRejectedKeys<T>(
  keys: UserKeyRing,
  call: ChatCall,
  byok: ByokChoice,
  walk: WalkOutcome<T>,
): void {
  if (byok.keys.size === 0) return;
  const refused = walk.hops.filter((h) => isByokRejection(h.from, h.error));
  const failures = refused.map((h) => ({ from: h.from, error: h.error }));
  if (!walk.answered && walk.last && walk.error && isByokRejection(walk.last, walk.error))
    failures.push({ from: walk.last, error: walk.error });
  for (const { from, error } of failures) {
    const key = byokKeyOf(byok, from.candidate);
    if (key) keys.rejected(key, error.status ?? null, call.requestId);
  }
}
