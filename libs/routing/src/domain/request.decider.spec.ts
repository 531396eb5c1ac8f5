import { IllegalStateError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import { requestDecider, type RecordRequestOutcome } from './request.decider';
import type {
  FallbackTriggered,
  RequestEvent,
  RequestFailed,
  RequestRouted,
  UsageRecorded,
} from './request.events';

const given = deciderSpec(requestDecider);

const routed: RequestRouted['data'] = {
  requestId: 'r1',
  userId: 'u1',
  requestedModel: 'auto',
  powerLevel: 'balanced',
  candidates: [
    {
      modelId: 'a/m',
      provider: 'a',
      score: 0.8,
      components: { cost: 1, latency: 1, quality: 0.5, errorPenalty: 0 },
    },
  ],
  chosenModelId: 'a/m',
  chosenProvider: 'a',
  keySource: 'platform',
  policyVersion: 0,
  routingMicroseconds: 12,
  streamed: false,
  routedAt: '2026-11-23T12:00:00.000Z',
};
const fallback: FallbackTriggered['data'] = {
  requestId: 'r1',
  userId: 'u1',
  fromModelId: 'a/m',
  toModelId: 'b/m',
  reason: 'rate_limited',
  status: 429,
  attempt: 1,
};
const usage: UsageRecorded['data'] = {
  requestId: 'r1',
  userId: 'u1',
  provider: 'b',
  modelId: 'b/m',
  powerLevel: 'balanced',
  keySource: 'platform',
  promptTokens: 10,
  completionTokens: 20,
  cachedTokens: 0,
  estimated: false,
  providerCostMicros: '15',
  chargedMicros: '15',
  latencyMs: 100,
  timeToFirstTokenMs: null,
  streamed: false,
  finishReason: 'stop',
  outcome: 'completed',
  attempts: 2,
};
const failure: RequestFailed['data'] = {
  requestId: 'r1',
  userId: 'u1',
  reason: 'server',
  status: 503,
  attempts: 3,
  lastProvider: 'c',
};

const record = (
  outcome: RecordRequestOutcome['data']['outcome'],
  fallbacks = [fallback],
): RecordRequestOutcome => ({
  type: 'RecordRequestOutcome',
  data: { routed, fallbacks, outcome },
});

describe('request decider', () => {
  it('records route, fallback hops and usage in order', () =>
    given([])
      .when(record({ kind: 'usage', usage }))
      .then([
        { type: 'RequestRouted', data: routed },
        { type: 'FallbackTriggered', data: fallback },
        { type: 'UsageRecorded', data: usage },
      ]));

  it('records a failure', () =>
    given([])
      .when(record({ kind: 'failed', failure }, []))
      .then([
        { type: 'RequestRouted', data: routed },
        { type: 'RequestFailed', data: failure },
      ]));

  it('refuses to record a request twice', () => {
    const history: RequestEvent[] = [
      { type: 'RequestRouted', data: routed },
      { type: 'UsageRecorded', data: usage },
    ];
    given(history)
      .when(record({ kind: 'usage', usage }))
      .thenThrows(IllegalStateError, 'ROUTING.REQUEST_ALREADY_RECORDED');
  });

  it('refuses events that belong to another request', () =>
    given([])
      .when(record({ kind: 'usage', usage: { ...usage, requestId: 'other' } }))
      .thenThrows(ValidationError, 'ROUTING.REQUEST_ID_MISMATCH'));
});
