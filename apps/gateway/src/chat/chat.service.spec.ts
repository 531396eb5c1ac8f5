import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Principal } from '@gw/accounts';
import type { CatalogModel, CatalogSnapshot } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import { GroupCommitWriter, InMemoryEventStore, type AppendRequest, type AppendResult } from '@gw/eventstore';
import {
  UpstreamError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ProbeResult,
  type UpstreamErrorInit,
  type UpstreamProvider,
  type UpstreamTarget,
} from '@gw/providers';
import {
  DEFAULT_BREAKER_SETTINGS,
  DEFAULT_ROUTING_POLICY,
  ProviderHealthTracker,
  toRequestStreamId,
} from '@gw/routing';
import type { Micros } from '@gw/shared-kernel';
import { manualClock } from '@gw/shared-kernel/testing';
import type { BudgetGate, BudgetHold } from '../billing/budget-gate';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ChatCompletionDto } from './chat-completion.dto';
import { ChatContext } from './chat-context';
import { AllProvidersFailedError, UpstreamRejectedError } from './chat.errors';
import { ChatService, type ChatCall } from './chat.service';
import { RequestRecorder, UsageNotRecordedError } from './request-recorder';

/**
 * ChatService with in-memory fakes of everything it talks to: a scripted upstream (no HTTP), the
 * real recorder over an in-memory event store, a budget gate that hands out holds it watches, a
 * health tracker on a clock that stands still.
 */

type Behaviour = { fail: Omit<UpstreamErrorInit, 'providerSlug'> } | { answer: string; noUsage?: true };

/** An upstream that answers or fails per model as scripted, and remembers every call in order. */
class ScriptedUpstream implements UpstreamProvider {
  readonly knownParams: ReadonlySet<string> = new Set(['model', 'messages', 'max_tokens', 'temperature']);
  readonly calls: Array<{ model: string; apiKey: string | undefined }> = [];
  constructor(private readonly script: ReadonlyMap<string, Behaviour>) {}

  complete(target: UpstreamTarget, request: ChatCompletionRequest): Promise<ChatCompletion> {
    const id = `${target.providerSlug}/${target.upstreamModel}`;
    this.calls.push({ model: id, apiKey: target.apiKey });
    const behaviour = this.script.get(id) ?? { answer: 'ok' };
    if ('fail' in behaviour)
      return Promise.reject(new UpstreamError({ ...behaviour.fail, providerSlug: target.providerSlug }));
    return Promise.resolve({
      id: `chatcmpl-${id}`,
      object: 'chat.completion',
      created: 1_764_590_400,
      model: request.model,
      choices: [
        { index: 0, message: { role: 'assistant', content: behaviour.answer }, finish_reason: 'stop' },
      ],
      ...(!behaviour.noUsage && {
        usage: { prompt_tokens: 1_000, completion_tokens: 2_000, total_tokens: 3_000 },
      }),
    });
  }

  // eslint-disable-next-line require-yield
  async *stream(): AsyncIterable<ChatCompletionChunk> {
    throw new Error('not scripted');
  }

  probe(): Promise<ProbeResult> {
    return Promise.resolve({ latencyMs: 1, status: 200, models: [] });
  }
}

/** A budget gate whose holds record what the service did with them. */
class WatchedBudget {
  readonly holds: Array<{ settled: Micros[]; unsettled: Micros[]; released: number }> = [];
  refuse: Error | undefined;

  reserve(userId: string, requestId: string): Promise<BudgetHold> {
    if (this.refuse) return Promise.reject(this.refuse);
    const seen = { settled: [] as Micros[], unsettled: [] as Micros[], released: 0 };
    this.holds.push(seen);
    return Promise.resolve({
      month: '2026-12',
      reservedMicros: 50_000n,
      capWarning: undefined,
      settlement: (chargedMicros: Micros, at: Date) => ({
        requestId,
        userId,
        chargedMicros: chargedMicros.toString(),
        reservedMicros: '50000',
        month: '2026-12',
        settledAt: at.toISOString(),
      }),
      settle: (chargedMicros: Micros) => {
        seen.settled.push(chargedMicros);
        return Promise.resolve();
      },
      unsettle: (chargedMicros: Micros) => {
        seen.unsettled.push(chargedMicros);
      },
      release: () => {
        seen.released++;
      },
    });
  }
}

/** The in-memory store, refusing every write while `down`. */
class SwitchableStore extends InMemoryEventStore {
  down = false;
  override appendMany(requests: readonly AppendRequest[]): Promise<ReadonlyArray<AppendResult | Error>> {
    if (this.down) return Promise.reject(new Error('the store refuses writes'));
    return super.appendMany(requests);
  }
}

/** a, b and c, ranked in that order while healthy (quality decides: same prices). */
const MODELS: CatalogModel[] = [
  catalogModel('a/m', { quality: 0.9 }),
  catalogModel('b/m', { quality: 0.7 }),
  catalogModel('c/m', { quality: 0.5 }),
];
const catalog: CatalogSnapshot = {
  providers: new Map(
    MODELS.map((m) => [
      m.provider,
      {
        slug: m.provider,
        name: m.provider,
        kind: 'openai-compatible' as const,
        baseUrl: `http://${m.provider}.invalid/v1`,
        enabled: true,
        apiKey: `sk-platform-${m.provider}`,
      },
    ]),
  ),
  models: MODELS,
};
const user: Principal = {
  userId: 'u1',
  keyId: 'k1',
  roles: ['user'],
  tier: 'professional',
  powerLevel: 'balanced',
};

function harness(script: ReadonlyArray<readonly [string, Behaviour]> = []) {
  const clock = manualClock();
  const upstream = new ScriptedUpstream(new Map(script));
  const health = new ProviderHealthTracker(undefined, DEFAULT_BREAKER_SETTINGS, clock.nowMs);
  const context = new ChatContext(
    catalog,
    { ...DEFAULT_ROUTING_POLICY, maxAttempts: 3 },
    health,
    new Map([['openai-compatible', upstream]]),
  );
  const store = new SwitchableStore();
  const metrics = new GatewayMetrics();
  const logger = pino({ level: 'silent' });
  const recorder = new RequestRecorder(new GroupCommitWriter(store), 'strict', metrics, logger);
  const budget = new WatchedBudget();
  const service = new ChatService(
    context,
    recorder,
    metrics,
    logger,
    clock,
    undefined,
    undefined,
    budget as unknown as BudgetGate,
  );
  const call = (extra: Record<string, unknown> = {}): ChatCall => {
    const body = { model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...extra };
    return {
      principal: user,
      dto: body as ChatCompletionDto,
      body,
      requestId: randomUUID(),
      signal: new AbortController().signal,
    };
  };
  const events = async (requestId: string) => await store.readStream(toRequestStreamId(requestId));
  return { service, upstream, budget, store, health, call, events };
}

describe('ChatService.complete', () => {
  it('walks the ranked candidates in order: a 503 from the first, the second answers; headers name who answered', async () => {
    const h = harness([['a/m', { fail: { kind: 'server', status: 503 } }]]);
    const call = h.call();
    const { body, headers } = await h.service.complete(call);

    expect(h.upstream.calls).toEqual([
      { model: 'a/m', apiKey: 'sk-platform-a' },
      { model: 'b/m', apiKey: 'sk-platform-b' },
    ]);
    expect(body.model).toBe('b/m');
    expect(body.choices[0]!.message.content).toBe('ok');
    expect(headers).toMatchObject({
      'x-switchyard-request-id': call.requestId,
      'x-switchyard-provider': 'b',
      'x-switchyard-model': 'b/m',
      'x-switchyard-attempts': '2',
    });
    const events = await h.events(call.requestId);
    expect(events.map((e) => e.type)).toEqual([
      'RequestRouted',
      'FallbackTriggered',
      'UsageRecorded',
      'ChargeSettled',
    ]);
    expect(events[0]!.data).toMatchObject({ chosenModelId: 'a/m' });
    expect(events[1]!.data).toMatchObject({
      fromModelId: 'a/m',
      toModelId: 'b/m',
      reason: 'server',
      status: 503,
      attempt: 1,
    });
    const usage = events[2]!.data as {
      modelId: string;
      attempts: number;
      chargedMicros: string;
      providerCostMicros: string;
    };
    expect(usage).toMatchObject({
      modelId: 'b/m',
      attempts: 2,
      promptTokens: 1_000,
      completionTokens: 2_000,
    });
    // The money headers are the recorded usage's.
    expect(headers['x-switchyard-cost-micros']).toBe(usage.providerCostMicros);
    expect(headers['x-switchyard-charge-micros']).toBe(usage.chargedMicros);
    // The failure counts against a's health only.
    expect(h.health.snapshot('a').lastFailureAt).not.toBeNull();
    expect(h.health.snapshot('b').lastFailureAt).toBeNull();
  });

  it('records usage once and settles the hold once, at the recorded charge, then releases it', async () => {
    const h = harness();
    const call = h.call();
    const { headers } = await h.service.complete(call);

    const events = await h.events(call.requestId);
    expect(events.filter((e) => e.type === 'UsageRecorded')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'ChargeSettled')).toHaveLength(1);
    const charged = (events.find((e) => e.type === 'UsageRecorded')!.data as { chargedMicros: string })
      .chargedMicros;
    expect(BigInt(charged)).toBeGreaterThan(0n);
    expect(headers['x-switchyard-charge-micros']).toBe(charged);
    expect(h.budget.holds).toEqual([{ settled: [BigInt(charged)], unsettled: [], released: 1 }]);
    expect(h.upstream.calls.map((c) => c.model)).toEqual(['a/m']);
  });

  it('an upstream that reports no usage is charged its estimate, never above the hold: n × max_tokens of output', async () => {
    const h = harness([['a/m', { answer: 'switch yard '.repeat(20_000), noUsage: true }]]);
    const call = h.call({ max_tokens: 10, n: 2 });
    await h.service.complete(call);
    const usage = (await h.events(call.requestId)).find((e) => e.type === 'UsageRecorded')!.data as {
      promptTokens: number;
      completionTokens: number;
      estimated: boolean;
    };
    // 40,000 tokens of text came back, but the request may get 2 × 10: that is what was held.
    expect(usage).toMatchObject({ completionTokens: 20, estimated: true });
    expect(usage.promptTokens).toBeGreaterThan(0);
  });

  it('every candidate fails: nothing is settled, the hold is released, RequestFailed is recorded', async () => {
    const down = { fail: { kind: 'server' as const, status: 503 } };
    const h = harness([
      ['a/m', down],
      ['b/m', down],
      ['c/m', down],
    ]);
    const call = h.call();
    await expect(h.service.complete(call)).rejects.toBeInstanceOf(AllProvidersFailedError);

    expect(h.upstream.calls.map((c) => c.model)).toEqual(['a/m', 'b/m', 'c/m']);
    expect(h.budget.holds).toEqual([{ settled: [], unsettled: [], released: 1 }]);
    const events = await h.events(call.requestId);
    expect(events.map((e) => e.type)).toEqual([
      'RequestRouted',
      'FallbackTriggered',
      'FallbackTriggered',
      'RequestFailed',
    ]);
    expect(events[3]!.data).toMatchObject({ reason: 'server', attempts: 3, lastProvider: 'c' });
  });

  it('a request the upstream refuses as malformed (400) is not walked on: one call, the hold released, the 400 passed on', async () => {
    const h = harness([
      ['a/m', { fail: { kind: 'bad_request', status: 400, upstreamMessage: 'bad temperature' } }],
    ]);
    const call = h.call();
    await expect(h.service.complete(call)).rejects.toBeInstanceOf(UpstreamRejectedError);

    expect(h.upstream.calls.map((c) => c.model)).toEqual(['a/m']);
    expect(h.budget.holds).toEqual([{ settled: [], unsettled: [], released: 1 }]);
    // The caller's mistake says nothing about the provider.
    expect(h.health.snapshot('a').lastFailureAt).toBeNull();
  });

  it('the events cannot be written: the settled charge is taken back, the hold released, usage_not_recorded', async () => {
    const h = harness();
    h.store.down = true;
    const call = h.call();
    await expect(h.service.complete(call)).rejects.toBeInstanceOf(UsageNotRecordedError);

    const [hold] = h.budget.holds;
    expect(hold!.settled).toHaveLength(1);
    expect(hold!.unsettled).toEqual(hold!.settled);
    expect(hold!.released).toBe(1);
    h.store.down = false;
    expect(await h.events(call.requestId)).toEqual([]);
  });

  it('a budget refusal calls no upstream and records nothing', async () => {
    const h = harness();
    h.budget.refuse = new Error('402 insufficient quota');
    const call = h.call();
    await expect(h.service.complete(call)).rejects.toBe(h.budget.refuse);

    expect(h.upstream.calls).toEqual([]);
    expect(await h.events(call.requestId)).toEqual([]);
  });
});
