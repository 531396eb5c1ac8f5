import type { CatalogModel } from '@gw/catalog';
import { UpstreamError } from '@gw/providers';
import {
  fallsBackOn,
  type PowerLevelPolicy,
  type ProviderHealthTracker,
  type RankedCandidate,
  type RoutingPolicy,
} from '@gw/routing';
import type { PowerLevel } from '@gw/shared-kernel';

/** One try of one candidate: its place in the walk (1-based) and the model it names. */
export interface Attempted {
  readonly candidate: RankedCandidate;
  readonly model: CatalogModel;
  readonly attempt: number;
}

/** A retryable failure that moved the walk from one candidate to the next. */
export interface FallbackHop {
  readonly from: Attempted;
  readonly to: Attempted;
  readonly error: UpstreamError;
}

export type WalkOutcome<T> =
  | {
      readonly answered: true;
      readonly attempted: Attempted;
      readonly value: T;
      readonly hops: FallbackHop[];
    }
  | {
      readonly answered: false;
      /** The last candidate tried (undefined: there was none to try). */
      readonly last: Attempted | undefined;
      readonly error: UpstreamError | undefined;
      readonly hops: FallbackHop[];
      /** Every attempt was refused by the provider's rate limit. */
      readonly rateLimited: boolean;
      readonly clientClosed: boolean;
      /** The request's deadline passed: the last attempt was cut by it, or no further one started. */
      readonly deadlineExceeded?: boolean;
    };

/** The policy's settings that bound an attempt's wait for its answer to begin. */
export interface AttemptTimingPolicy extends Pick<RoutingPolicy, 'attemptTimeoutMs' | 'requestDeadlineMs'> {
  readonly levels: Readonly<Record<PowerLevel, Pick<PowerLevelPolicy, 'latencyCapMs'>>>;
}

/**
 * What cuts an attempt whose answer has not begun (no first chunk of a stream, no response of a
 * non-streamed call): the level's latency cap, the request's deadline, or the attempt timeout,
 * whichever comes first.
 */
export type AttemptCutBy = 'latency_cap' | 'deadline' | 'attempt_timeout';

export interface AttemptBound {
  /** How long the attempt may wait for its answer to begin, from when it starts. */
  readonly ms: number;
  readonly by: AttemptCutBy;
}

/**
 * Pure: the bound of an attempt starting at `nowMs` of a request that arrived at `startedMs` (both on
 * one monotonic clock): min(attempt timeout, the level's latency cap, the time left before the
 * deadline), named by what it is (on a tie the cap, then the deadline). Null: the deadline has
 * passed (less than a millisecond left), so no attempt may start.
 */
export function attemptBound(
  policy: AttemptTimingPolicy,
  level: PowerLevel,
  startedMs: number,
  nowMs: number,
): AttemptBound | null {
  const left = startedMs + policy.requestDeadlineMs - nowMs;
  if (left < 1) return null;
  const cap = policy.levels[level].latencyCapMs;
  if (cap <= left && cap <= policy.attemptTimeoutMs) return { ms: cap, by: 'latency_cap' };
  if (left <= policy.attemptTimeoutMs) return { ms: left, by: 'deadline' };
  return { ms: policy.attemptTimeoutMs, by: 'attempt_timeout' };
}

/**
 * An attempt cut off by its bound before its answer began: a `timeout` (it falls back when the policy
 * falls back on timeouts), saying which bound passed. The attempt aborts its upstream request with
 * this error as the reason, which the adapter rethrows.
 */
export class AttemptCutError extends UpstreamError {
  constructor(
    readonly by: AttemptCutBy,
    readonly afterMs: number,
    providerSlug: string,
    streamed: boolean,
  ) {
    super({ kind: 'timeout', providerSlug, upstreamMessage: cutMessage(by, afterMs, streamed) });
  }
}

function cutMessage(by: AttemptCutBy, afterMs: number, streamed: boolean): string {
  const ms = Math.round(afterMs);
  const before = streamed ? 'before the first token' : 'before the response';
  switch (by) {
    case 'latency_cap':
      return `latency cap ${ms} ms passed ${before}`;
    case 'deadline':
      return `the request deadline passed ${ms} ms into this attempt, ${before}`;
    case 'attempt_timeout':
      return `attempt timeout ${ms} ms passed ${before}`;
  }
}

export interface WalkContext {
  readonly policy: Pick<RoutingPolicy, 'fallbackOn'> & AttemptTimingPolicy;
  /** The request's power level: its latency cap bounds each attempt. */
  readonly level: PowerLevel;
  /** When the request arrived, on the `now` clock: its deadline counts from here. */
  readonly startedMs: number;
  /** The monotonic clock of `startedMs`; default performance.now(). */
  readonly now?: () => number;
  readonly health: Pick<ProviderHealthTracker, 'recordFailure'>;
  readonly signal: AbortSignal;
  /** Panic mode: each attempt is a trial of an open circuit. */
  readonly trial: boolean;
}

/**
 * Walks the attempts in order until one answers. Each attempt gets its bound (attemptBound: the
 * latency cap, the time left before the request's deadline, the attempt timeout); none starts once
 * the deadline has passed. A retryable failure counts against the credential's health and, when the
 * policy falls back on its kind and another attempt remains, moves on; a request the upstream refused
 * as malformed, a client that went away, the deadline, or the last attempt ends the walk. An attempt
 * cut by the deadline says nothing about its provider (it may have had only moments): no health
 * failure. Anything that is not an UpstreamError is a bug and is rethrown.
 */
export async function walkFallbacks<T>(
  attempts: readonly Attempted[],
  context: WalkContext,
  attempt: (attempted: Attempted, bound: AttemptBound) => Promise<T>,
): Promise<WalkOutcome<T>> {
  const { policy, level, startedMs } = context;
  const now = context.now ?? (() => performance.now());
  const hops: FallbackHop[] = [];
  let error: UpstreamError | undefined;
  let last: Attempted | undefined;
  let rateLimited = attempts.length > 0;
  let deadlineExceeded = false;
  for (let i = 0; i < attempts.length; i++) {
    const attempted = attempts[i]!;
    const bound = attemptBound(policy, level, startedMs, now());
    if (!bound) {
      deadlineExceeded = true;
      break;
    }
    // The hop from the previous attempt is taken only now that this one starts.
    if (last && error) hops.push({ from: last, to: attempted, error });
    last = attempted;
    try {
      return { answered: true, attempted, value: await attempt(attempted, bound), hops };
    } catch (e) {
      if (context.signal.aborted) break; // the client went away: recorded as failed, never retried
      if (!(e instanceof UpstreamError)) throw e;
      error = e;
      rateLimited &&= e.kind === 'rate_limited';
      if (e instanceof AttemptCutError && e.by === 'deadline') {
        deadlineExceeded = true;
        break;
      }
      // A request the upstream refused as malformed says nothing about the provider's health.
      if (!e.retryable) break;
      context.health.recordFailure(attempted.model.provider, e.kind, e.retryAfterMs, {
        credential: attempted.candidate.credential,
        trial: context.trial,
      });
      if (i + 1 >= attempts.length || !fallsBackOn(policy, e.kind)) break;
    }
  }
  const clientClosed = context.signal.aborted;
  return {
    answered: false,
    last,
    error,
    hops,
    rateLimited: rateLimited && error !== undefined && !clientClosed && !deadlineExceeded,
    clientClosed,
    deadlineExceeded: deadlineExceeded && !clientClosed,
  };
}
