import { assertNever, IllegalStateError, ValidationError, type Decider } from '@gw/shared-kernel';
import type {
  FallbackTriggered,
  RequestEvent,
  RequestFailed,
  RequestRouted,
  UsageRecorded,
  ChargeSettled,
} from './request.events';

/**
 * A chat request's whole story is decided at its end and written in one append: the route, every
 * fallback hop, and either its usage or its failure. Recording twice is refused.
 */
export interface RecordRequestOutcome {
  readonly type: 'RecordRequestOutcome';
  readonly data: {
    readonly routed: RequestRouted['data'];
    readonly fallbacks: readonly FallbackTriggered['data'][];
    readonly outcome:
      | { kind: 'usage'; usage: UsageRecorded['data']; charge?: ChargeSettled['data'] }
      | { kind: 'failed'; failure: RequestFailed['data'] };
  };
}

export type RequestCommand = RecordRequestOutcome;

export type RequestState =
  { status: 'None' } | { status: 'Routed' } | { status: 'Completed' } | { status: 'Failed' };

export const initialState = (): RequestState => ({ status: 'None' });

export const evolve = (state: RequestState, event: RequestEvent): RequestState => {
  switch (event.type) {
    case 'RequestRouted':
      return { status: 'Routed' };
    case 'FallbackTriggered':
      return state;
    case 'UsageRecorded':
      return { status: 'Completed' };
    case 'ChargeSettled':
      return state;
    case 'RequestFailed':
      return { status: 'Failed' };
    default:
      return assertNever(event);
  }
};

export const decide = (command: RequestCommand, state: RequestState): RequestEvent[] => {
  switch (command.type) {
    case 'RecordRequestOutcome': {
      if (state.status !== 'None')
        throw new IllegalStateError('ROUTING.REQUEST_ALREADY_RECORDED', 'This request was already recorded');
      const { routed, fallbacks, outcome } = command.data;
      const ids = [routed.requestId, ...fallbacks.map((f) => f.requestId)];
      const final = outcome.kind === 'usage' ? outcome.usage : outcome.failure;
      if (ids.some((id) => id !== routed.requestId) || final.requestId !== routed.requestId)
        throw new ValidationError('ROUTING.REQUEST_ID_MISMATCH', 'All events of a request carry its id');
      if (outcome.kind === 'usage' && outcome.charge && outcome.charge.requestId !== routed.requestId)
        throw new ValidationError('ROUTING.REQUEST_ID_MISMATCH', 'All events of a request carry its id');
      const tail: RequestEvent[] =
        outcome.kind === 'usage'
          ? [
              { type: 'UsageRecorded', data: outcome.usage },
              ...(outcome.charge ? [{ type: 'ChargeSettled' as const, data: outcome.charge }] : []),
            ]
          : [{ type: 'RequestFailed', data: outcome.failure }];
      return [
        { type: 'RequestRouted', data: routed },
        ...fallbacks.map((f): RequestEvent => ({ type: 'FallbackTriggered', data: f })),
        ...tail,
      ];
    }
    default:
      return assertNever(command.type);
  }
};

export const requestDecider: Decider<RequestCommand, RequestEvent, RequestState> = {
  initialState,
  evolve,
  decide,
};
