import type { CatalogModel } from '@gw/catalog';
import { UpstreamError } from '@gw/providers';
import {
  fallsBackOn,
  type ProviderHealthTracker,
  type RankedCandidate,
  type RoutingPolicy,
} from '@gw/routing';

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
    };

export interface WalkContext {
  readonly policy: Pick<RoutingPolicy, 'fallbackOn'>;
  readonly health: Pick<ProviderHealthTracker, 'recordFailure'>;
  readonly signal: AbortSignal;
  /** Panic mode: each attempt is a trial of an open circuit. */
  readonly trial: boolean;
}

/**
 * Walks the attempts in order until one answers. A retryable failure counts against the credential's
 * health and, when the policy falls back on its kind and another attempt remains, moves on; a
 * request the upstream refused as malformed, a client that went away, or the last attempt ends the
 * walk. Anything that is not an UpstreamError is a bug and is rethrown.
 */
export async function walkFallbacks<T>(
  attempts: readonly Attempted[],
  context: WalkContext,
  attempt: (attempted: Attempted) => Promise<T>,
): Promise<WalkOutcome<T>> {
  const hops: FallbackHop[] = [];
  let error: UpstreamError | undefined;
  let last: Attempted | undefined;
  let rateLimited = attempts.length > 0;
  for (let i = 0; i < attempts.length; i++) {
    const attempted = attempts[i]!;
    last = attempted;
    try {
      return { answered: true, attempted, value: await attempt(attempted), hops };
    } catch (e) {
      if (context.signal.aborted) break; // the client went away: recorded as failed, never retried
      if (!(e instanceof UpstreamError)) throw e;
      error = e;
      rateLimited &&= e.kind === 'rate_limited';
      // A request the upstream refused as malformed says nothing about the provider's health.
      if (!e.retryable) break;
      context.health.recordFailure(attempted.model.provider, e.kind, e.retryAfterMs, {
        credential: attempted.candidate.credential,
        trial: context.trial,
      });
      const next = attempts[i + 1];
      if (!next || !fallsBackOn(context.policy, e.kind)) break;
      hops.push({ from: attempted, to: next, error: e });
    }
  }
  return {
    answered: false,
    last,
    error,
    hops,
    rateLimited: rateLimited && error !== undefined && !context.signal.aborted,
    clientClosed: context.signal.aborted,
  };
}
