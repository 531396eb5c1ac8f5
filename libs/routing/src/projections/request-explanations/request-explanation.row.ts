import { comparePositions, type Position, type RecordedEvent } from '@gw/shared-kernel';
import type {
  BalancingRecord,
  CandidateRecord,
  ChainRecord,
  FallbackTriggered,
  RequestEvent,
  RequestFailed,
  RequestRouted,
  UsageRecorded,
} from '../../domain/request.events';

/** Why a request went where it went, and how it ended: GET /api/v1/requests/:id. */
export interface RequestExplanationRow {
  readonly requestId: string;
  readonly userId: string;
  readonly requestedModel: string;
  readonly powerLevel: string;
  readonly policyVersion: number;
  readonly routingMicroseconds: number;
  readonly streamed: boolean;
  readonly candidates: readonly CandidateRecord[];
  readonly chosenModelId: string;
  /** The use case the request named; null: none (or an older event). */
  readonly useCase: string | null;
  /** The fallback chain configured for it and whether it ordered the candidates; null: the score order. */
  readonly chain: ChainRecord | null;
  /** Weighted balancing's draw when it chose the first candidate; null: it did not. */
  readonly balancing: BalancingRecord | null;
  readonly fallbacks: ReadonlyArray<FallbackTriggered['data']>;
  readonly outcome: 'pending' | 'completed' | 'interrupted' | 'failed';
  readonly finalModelId: string | null;
  readonly usage: UsageRecorded['data'] | null;
  readonly failure: RequestFailed['data'] | null;
  readonly routedAt: string;
  readonly lastPosition: Position;
}

export const REQUEST_EXPLANATION_EVENT_TYPES: ReadonlySet<string> = new Set<RequestEvent['type']>([
  'RequestRouted',
  'FallbackTriggered',
  'UsageRecorded',
  'RequestFailed',
]);

type Handled = RecordedEvent<RequestEvent['type'], RequestEvent['data']>;

const fromRouted = (d: RequestRouted['data'], position: Position): RequestExplanationRow => ({
  requestId: d.requestId,
  userId: d.userId,
  requestedModel: d.requestedModel,
  powerLevel: d.powerLevel,
  policyVersion: d.policyVersion,
  routingMicroseconds: d.routingMicroseconds,
  streamed: d.streamed,
  candidates: d.candidates,
  chosenModelId: d.chosenModelId,
  useCase: d.useCase ?? null,
  chain: d.chain ?? null,
  balancing: d.balancing ?? null,
  fallbacks: [],
  outcome: 'pending',
  finalModelId: null,
  usage: null,
  failure: null,
  routedAt: d.routedAt,
  lastPosition: position,
});

/** Pure fold; events at or before the row's position are skipped (idempotent). */
export function evolveRequestExplanation(
  row: RequestExplanationRow | null,
  event: Handled,
): RequestExplanationRow | null {
  if (row && comparePositions(event.position, row.lastPosition) <= 0) return row;
  const e = { type: event.type, data: event.data } as RequestEvent;
  if (e.type === 'RequestRouted') return fromRouted(e.data, event.position);
  if (!row) return null; // every request stream starts with RequestRouted
  switch (e.type) {
    case 'FallbackTriggered':
      return { ...row, fallbacks: [...row.fallbacks, e.data], lastPosition: event.position };
    case 'UsageRecorded':
      return {
        ...row,
        outcome: e.data.outcome,
        finalModelId: e.data.modelId,
        usage: e.data,
        lastPosition: event.position,
      };
    case 'RequestFailed':
      return { ...row, outcome: 'failed', failure: e.data, lastPosition: event.position };
    case 'ChargeSettled':
      return row; // not one of its types: the charge is on the UsageRecorded already
  }
}

export const isRequestExplanationEvent = (e: RecordedEvent): e is Handled =>
  REQUEST_EXPLANATION_EVENT_TYPES.has(e.type);
