import { UpstreamError, type ChatCompletion, type ChatCompletionChunk } from '@gw/providers';
import type { FallbackTriggered } from '@gw/routing';
import { byokKeyOf, type ByokChoice, type UserKeyRing } from '../byok-keys';
import type { Attempted, FallbackHop, WalkOutcome } from '../fallback-walk';
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

/** One unary try of one candidate: the upstream's whole answer. */
export function completeOnce(
  { context, keys }: Pick<ChatDeps, 'context' | 'keys'>,
  call: ChatCall,
  plan: RoutePlan,
  attempt: Attempted,
): Promise<ChatCompletion> {
  return upstreamOf(context, attempt.model).complete(
    targetOf(context, keys, attempt, plan.byok),
    upstreamBody(context, call.body, attempt.model, false),
    call.signal,
  );
}

/** One streamed try: answered once its first chunk arrives (a stream that ends before one failed). */
export async function firstChunk(
  { context, keys }: Pick<ChatDeps, 'context' | 'keys'>,
  call: ChatCall,
  plan: RoutePlan,
  attempt: Attempted,
): Promise<FirstChunk> {
  const { model } = attempt;
  const iterator = upstreamOf(context, model)
    .stream(
      targetOf(context, keys, attempt, plan.byok),
      upstreamBody(context, call.body, model, true),
      call.signal,
    )
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
  const reason = isByokRejection(from, error) ? 'byok_key_rejected' : error.kind;
  metrics.observeFallback({ from: from.model.provider, to: to.model.provider, reason });
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
