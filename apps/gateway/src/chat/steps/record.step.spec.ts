import type { RankedCandidate, RecordRequestOutcome, UsageRecorded } from '@gw/routing';
import type { BudgetHold } from '../../billing/budget-gate';
import { NO_BYOK } from '../byok-keys';
import type { RoutePlan } from '../route-planner';
import type { ChatCall, ChatDeps } from './chat-call';
import { recordOutcome } from './record.step';

const first = {
  modelId: 'a/m',
  provider: 'a',
  score: 0.9,
  components: { cost: 1, latency: 1, quality: 1, errorPenalty: 0 },
  byok: false,
} as RankedCandidate;
const plan = {
  requestedModel: 'auto',
  powerLevel: 'eco',
  candidates: [first],
  policyVersion: 4,
  routingMicroseconds: 12,
  byok: NO_BYOK,
} as unknown as RoutePlan;
const call = {
  principal: { userId: 'u1', keyId: 'k1', roles: ['user'], tier: 'free', powerLevel: 'eco' },
  dto: { model: 'auto', messages: [], stream: true },
  requestId: 'r1',
} as unknown as ChatCall;
const usage = { kind: 'usage' as const, usage: { requestId: 'r1' } as UsageRecorded['data'] };
const now = new Date('2026-12-07T05:00:00Z');

function hold() {
  const seen = { unsettled: [] as bigint[] };
  const h = {
    settlement: (charged: bigint, at: Date) => ({
      chargedMicros: charged.toString(),
      settledAt: at.toISOString(),
    }),
    unsettle: (charged: bigint) => seen.unsettled.push(charged),
  } as unknown as BudgetHold;
  return { h, seen };
}

describe('record step: recordOutcome', () => {
  it('writes RequestRouted (first candidate), the fallbacks and the outcome with its settled charge', async () => {
    const written: RecordRequestOutcome[] = [];
    const recorder = {
      record: (c: RecordRequestOutcome) => (written.push(c), Promise.resolve()),
    } as unknown as ChatDeps['recorder'];
    const { h, seen } = hold();
    await recordOutcome(recorder, call, plan, [], usage, now, h, 1_500n);
    expect(written[0]!.data).toMatchObject({
      routed: {
        requestId: 'r1',
        chosenModelId: 'a/m',
        keySource: 'platform',
        apiKeyId: 'k1',
        policyVersion: 4,
        streamed: true,
        routedAt: '2026-12-07T05:00:00.000Z',
      },
      fallbacks: [],
      outcome: { kind: 'usage', charge: { chargedMicros: '1500', settledAt: '2026-12-07T05:00:00.000Z' } },
    });
    expect(seen.unsettled).toEqual([]);
  });

  it('when the events cannot be written, the settled charge is taken back and the error goes on', async () => {
    const refused = new Error('not committed');
    const recorder = { record: () => Promise.reject(refused) } as unknown as ChatDeps['recorder'];
    const { h, seen } = hold();
    await expect(recordOutcome(recorder, call, plan, [], usage, now, h, 1_500n)).rejects.toBe(refused);
    expect(seen.unsettled).toEqual([1_500n]);
  });

  it('a failure carries no charge and has nothing to take back', async () => {
    const written: RecordRequestOutcome[] = [];
    const recorder = {
      record: (c: RecordRequestOutcome) => (written.push(c), Promise.resolve()),
    } as unknown as ChatDeps['recorder'];
    const failed = {
      kind: 'failed' as const,
      failure: {
        requestId: 'r1',
        userId: 'u1',
        reason: 'server',
        status: 503,
        attempts: 1,
        lastProvider: 'a',
      },
    };
    await recordOutcome(recorder, call, plan, [], failed, now);
    expect(written[0]!.data.outcome).toEqual(failed);
  });
});

describe('record step: routing depth in RequestRouted', () => {
  const needs = {
    streaming: true,
    tools: false,
    vision: false,
    jsonMode: false,
    contextTokens: 20,
    maxOutputTokens: 0,
  };
  const write = async (p: RoutePlan) => {
    const written: RecordRequestOutcome[] = [];
    const recorder = {
      record: (c: RecordRequestOutcome) => (written.push(c), Promise.resolve()),
    } as unknown as ChatDeps['recorder'];
    await recordOutcome(recorder, call, p, [], usage, now);
    return written[0]!.data.routed;
  };

  it('writes the needs always, and the use case, chain and balancing only when present', async () => {
    const plain = await write({ ...plan, needs });
    expect(plain.needs).toEqual(needs);
    expect(plain).not.toHaveProperty('useCase');
    expect(plain).not.toHaveProperty('chain');
    expect(plain).not.toHaveProperty('balancing');

    const deep = await write({
      ...plan,
      needs,
      useCase: 'support',
      chain: { source: 'use_case', models: ['a/m'], applied: true },
      balancing: { bandPercent: 5, pool: ['a/m', 'b/m'], draw: 0.25, chosen: 'a/m' },
      candidates: [{ ...first, components: { ...first.components, preference: 0.05 } }],
    });
    expect(deep).toMatchObject({
      useCase: 'support',
      chain: { source: 'use_case', models: ['a/m'], applied: true },
      balancing: { bandPercent: 5, pool: ['a/m', 'b/m'], draw: 0.25, chosen: 'a/m' },
    });
    expect(deep.candidates[0]!.components).toEqual({
      cost: 1,
      latency: 1,
      quality: 1,
      errorPenalty: 0,
      preference: 0.05,
    });
  });
});
