import type { Position, RecordedEvent } from '@gw/shared-kernel';
import type {
  FallbackTriggered,
  RequestFailed,
  RequestRouted,
  UsageRecorded,
} from '../../domain/request.events';
import { classifyAttemptFailure, type AttemptFailureKind } from '../../health/attempt-failure-kind';
import type { HealthCredential } from '../../health/provider-health-report';

/** One upstream attempt as the provider-health read model counts it. */
export interface HealthAttempt {
  readonly provider: string;
  readonly credential: HealthCredential;
  readonly modelId: string;
  /** Epoch ms: when the attempt's outcome was recorded (the event's occurredAt). */
  readonly atMs: number;
  /** `success`, or the kind the failure counts under. */
  readonly outcome: 'success' | AttemptFailureKind;
  /** Answered attempts: the request's latency and time to first token (ms). */
  readonly latencyMs: number | null;
  readonly ttftMs: number | null;
  readonly position: Position;
}

/** What a provider attempt is attributed to when nothing else says (pre-routing failures). */
export const UNKNOWN_PROVIDER = 'unknown';

export const PROVIDER_HEALTH_EVENT_TYPES_OF_REQUESTS: ReadonlySet<string> = new Set([
  'RequestRouted',
  'FallbackTriggered',
  'UsageRecorded',
  'RequestFailed',
]);

export type HealthRequestEvent =
  | RecordedEvent<'RequestRouted', RequestRouted['data']>
  | RecordedEvent<'FallbackTriggered', FallbackTriggered['data']>
  | RecordedEvent<'UsageRecorded', UsageRecorded['data']>
  | RecordedEvent<'RequestFailed', RequestFailed['data']>;

export const isHealthRequestEvent = (e: RecordedEvent): e is HealthRequestEvent =>
  PROVIDER_HEALTH_EVENT_TYPES_OF_REQUESTS.has(e.type);

/** The part of a request's RequestRouted that attributes older events which do not name their provider. */
export type RoutedRequest = Pick<
  RequestRouted['data'],
  'candidates' | 'chosenModelId' | 'chosenProvider' | 'keySource'
>;

/** A catalog model id is `provider/model`: its provider is the part before the first slash. */
const providerOfModelId = (modelId: string): string => {
  const slash = modelId.indexOf('/');
  return slash > 0 ? modelId.slice(0, slash) : UNKNOWN_PROVIDER;
};

const providerOf = (modelId: string, routed: RoutedRequest | undefined): string =>
  routed?.candidates.find((c) => c.modelId === modelId)?.provider ?? providerOfModelId(modelId);

/** Older events name no credential: the first attempt used the routed key source, later ones the platform's. */
const guessedCredential = (
  routed: RoutedRequest | undefined,
  modelId: string,
  attempt: number,
): HealthCredential =>
  routed && attempt <= 1 && routed.chosenModelId === modelId ? routed.keySource : 'platform';

/**
 * Pure: the upstream attempt an event of a request's stream records, or null (RequestRouted, a failure
 * that says nothing about the provider, a request that failed before any attempt). FallbackTriggered
 * is a failed attempt at `fromModelId`; UsageRecorded the answered one; RequestFailed the last, failed
 * one. Older events without `fromProvider` / `lastModelId` / credentials are attributed through the
 * request's RequestRouted when the caller has it, else through the model id.
 */
export function attemptOf(
  event: HealthRequestEvent,
  routed: RoutedRequest | undefined,
): HealthAttempt | null {
  const base = { atMs: event.occurredAt.getTime(), position: event.position };
  switch (event.type) {
    case 'RequestRouted':
      return null;
    case 'FallbackTriggered': {
      const d = event.data;
      const kind = classifyAttemptFailure(d.reason, d.status);
      if (kind === null) return null;
      return {
        ...base,
        provider: d.fromProvider ?? providerOf(d.fromModelId, routed),
        credential: d.fromCredential ?? guessedCredential(routed, d.fromModelId, d.attempt),
        modelId: d.fromModelId,
        outcome: kind,
        latencyMs: null,
        ttftMs: null,
      };
    }
    case 'UsageRecorded': {
      const d = event.data;
      return {
        ...base,
        provider: d.provider,
        credential: d.keySource,
        modelId: d.modelId,
        outcome: 'success',
        latencyMs: Number.isFinite(d.latencyMs) ? d.latencyMs : null,
        ttftMs: d.timeToFirstTokenMs ?? null,
      };
    }
    case 'RequestFailed': {
      const d = event.data;
      if (d.lastProvider === null) return null;
      const kind = classifyAttemptFailure(d.reason, d.status);
      if (kind === null) return null;
      const modelId =
        d.lastModelId ??
        [...(routed?.candidates ?? [])].reverse().find((c) => c.provider === d.lastProvider)?.modelId ??
        UNKNOWN_PROVIDER;
      return {
        ...base,
        provider: d.lastProvider,
        credential: d.lastCredential ?? guessedCredential(routed, modelId, d.attempts),
        modelId,
        outcome: kind,
        latencyMs: null,
        ttftMs: null,
      };
    }
  }
}

/** The attempts a batch of events records, in order (RequestRouted of the same batch attributes older events). */
export function attemptsOf(events: readonly RecordedEvent[]): HealthAttempt[] {
  const routed = new Map<string, RoutedRequest>();
  const attempts: HealthAttempt[] = [];
  for (const e of events) {
    if (!isHealthRequestEvent(e)) continue;
    if (e.type === 'RequestRouted') {
      routed.set(e.data.requestId, e.data);
      continue;
    }
    const a = attemptOf(e, routed.get(e.data.requestId));
    if (a) attempts.push(a);
  }
  return attempts;
}
