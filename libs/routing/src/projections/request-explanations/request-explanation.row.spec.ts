import type { RecordedEvent } from '@gw/shared-kernel';
import {
  evolveRequestExplanation,
  isRequestExplanationEvent,
  type RequestExplanationRow,
} from './request-explanation.row';

const at = (n: number, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `e${n}`,
  type,
  version: 1,
  data: { requestId: 'r1', userId: 'u1', ...data },
  metadata: { correlationId: 'r1', actorId: 'u1' },
  occurredAt: new Date(),
  streamId: 'request-r1',
  revision: BigInt(n),
  position: { commit: BigInt(n), prepare: BigInt(n) },
});

const routed = at(1, 'RequestRouted', {
  requestedModel: 'auto',
  powerLevel: 'eco',
  policyVersion: 3,
  routingMicroseconds: 12.5,
  streamed: false,
  candidates: [
    {
      modelId: 'a/x',
      provider: 'a',
      score: 0.9,
      components: { cost: 1, latency: 1, quality: 0.5, errorPenalty: 0 },
    },
  ],
  chosenModelId: 'a/x',
  routedAt: '2026-11-23T00:00:00.000Z',
});
const hop = at(2, 'FallbackTriggered', {
  fromModelId: 'a/x',
  toModelId: 'b/y',
  reason: 'rate_limited',
  status: 429,
  attempt: 1,
});
const usage = at(3, 'UsageRecorded', { modelId: 'b/y', outcome: 'completed', promptTokens: 5 });

const fold = (events: RecordedEvent[]): RequestExplanationRow | null =>
  events
    .filter(isRequestExplanationEvent)
    .reduce<RequestExplanationRow | null>((row, e) => evolveRequestExplanation(row, e), null);

describe('request explanation', () => {
  it('tells the route, each fallback hop and the outcome', () => {
    const row = fold([routed, hop, usage]);
    expect(row).toMatchObject({
      requestId: 'r1',
      chosenModelId: 'a/x',
      policyVersion: 3,
      fallbacks: [{ fromModelId: 'a/x', toModelId: 'b/y', reason: 'rate_limited', status: 429, attempt: 1 }],
      outcome: 'completed',
      finalModelId: 'b/y',
    });
    expect(row!.candidates).toHaveLength(1);
  });

  it('an older RequestRouted has no use case, chain or balancing: null each', () => {
    expect(fold([routed])).toMatchObject({ useCase: null, chain: null, balancing: null });
  });

  it('tells the use case, the chain, the balancing draw and the bonuses as recorded', () => {
    const deep = at(1, 'RequestRouted', {
      ...(routed.data as Record<string, unknown>),
      candidates: [
        {
          modelId: 'a/x',
          provider: 'a',
          score: 0.9,
          components: { cost: 1, latency: 1, quality: 0.5, errorPenalty: 0, preference: 0.2, rateLimit: 1 },
        },
      ],
      useCase: 'support',
      chain: { source: 'use_case', models: ['a/x', 'b/y'], applied: true },
      balancing: { bandPercent: 5, pool: ['a/x', 'b/y'], draw: 0.123456, chosen: 'a/x' },
    });
    const row = fold([deep, usage]);
    expect(row).toMatchObject({
      useCase: 'support',
      chain: { source: 'use_case', models: ['a/x', 'b/y'], applied: true },
      balancing: { bandPercent: 5, pool: ['a/x', 'b/y'], draw: 0.123456, chosen: 'a/x' },
      outcome: 'completed',
    });
    expect(row!.candidates[0]!.components).toMatchObject({ preference: 0.2, rateLimit: 1 });
    expect(row!.candidates[0]!.components).not.toHaveProperty('byok');
  });

  it('records a failure', () => {
    const failed = at(2, 'RequestFailed', { reason: 'server', status: 503, attempts: 1, lastProvider: 'a' });
    expect(fold([routed, failed])).toMatchObject({
      outcome: 'failed',
      failure: { status: 503 },
      finalModelId: null,
    });
  });

  it('is idempotent: replayed events change nothing', () => {
    expect(fold([routed, hop, usage, hop, usage])).toEqual(fold([routed, hop, usage]));
  });

  it('ignores tail events without a route', () => {
    expect(fold([hop])).toBeNull();
  });
});
