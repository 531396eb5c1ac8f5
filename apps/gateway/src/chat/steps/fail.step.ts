import type { FallbackTriggered } from '@gw/routing';
import {
  AllProvidersFailedError,
  ByokKeyRejectedError,
  DeadlineExceededError,
  UpstreamRejectedError,
} from '../chat.errors';
import type { WalkOutcome } from '../fallback-walk';
import { earliestRetryMs, type RoutePlan } from '../route-planner';
import { isByokRejection } from './attempt.step';
import type { ChatCall, ChatDeps } from './chat-call';
import { recordOutcome } from './record.step';
import { recordProviderLoad } from './settle.step';
import type { StepTimer } from './step-timer';

/**
 * A walk that ended unanswered: recorded as failed (RequestFailed: its record step), counted and
 * logged; returns the error the caller gets: the caller's own key refused (400), the request refused
 * by the upstream (its 4xx), the request's deadline passed (504), or an outage (503, or 429 when
 * every attempt was rate limited).
 */
export async function failRequest<T>(
  deps: ChatDeps,
  call: ChatCall,
  plan: RoutePlan,
  fallbacks: FallbackTriggered['data'][],
  walk: Extract<WalkOutcome<T>, { answered: false }>,
  started: number,
  steps: StepTimer,
): Promise<Error> {
  const { last, error, clientClosed, deadlineExceeded } = walk;
  const attempts = last?.attempt ?? 0;
  const rejected = error && !error.retryable && !clientClosed;
  const outage = new AllProvidersFailedError(
    attempts,
    error,
    earliestRetryMs(plan.candidates, deps.context.health) || (error?.retryAfterMs ?? 0),
    walk.rateLimited,
  );
  const deadline = deadlineExceeded
    ? new DeadlineExceededError(deps.context.policy.requestDeadlineMs, attempts)
    : undefined;
  const status = clientClosed
    ? 499
    : deadline
      ? 504
      : rejected
        ? (error.status ?? 400)
        : outage.toErrorResponse().status;
  // Every attempt failed: each counts one request on its platform key (the last one too).
  recordProviderLoad(deps.context, fallbacks, last, 0);
  if (last) {
    await recordOutcome(
      deps.recorder,
      call,
      plan,
      fallbacks,
      {
        kind: 'failed',
        failure: {
          requestId: call.requestId,
          userId: call.principal.userId,
          reason: clientClosed
            ? 'client_closed'
            : deadline
              ? 'deadline_exceeded'
              : (error?.kind ?? 'unknown'),
          status,
          attempts,
          lastProvider: last.model.provider,
          lastModelId: last.model.id,
          lastCredential: last.candidate.byok ? 'byok' : 'platform',
        },
      },
      deps.clock.now(),
    );
    steps.lap('record');
    deps.metrics.observeFailure({
      provider: last.model.provider,
      model: last.model.id,
      powerLevel: plan.powerLevel,
      status: clientClosed ? 'client_closed' : 'failed',
      streamed: call.dto.stream === true,
    });
  }
  deps.logger.warn(
    {
      requestId: call.requestId,
      attempts,
      reason: deadline ? 'deadline_exceeded' : error?.kind,
      panic: plan.panic,
      ms: performance.now() - started,
    },
    'chat request failed',
  );
  if (deadline) return deadline;
  // The caller's own key was the last thing refused (with byokOnly, nothing else is ever tried).
  if (last && error && !clientClosed && isByokRejection(last, error))
    return new ByokKeyRejectedError(last.model.provider, plan.byok.only);
  return rejected && error ? new UpstreamRejectedError(error) : outage;
}
