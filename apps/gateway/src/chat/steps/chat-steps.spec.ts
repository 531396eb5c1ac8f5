import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import pino from 'pino';
import type { Principal } from '@gw/accounts';
import type { CatalogSnapshot } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import { GroupCommitWriter, InMemoryEventStore } from '@gw/eventstore';
import {
  UpstreamError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ProbeResult,
  type UpstreamProvider,
  type UpstreamTarget,
} from '@gw/providers';
import { DEFAULT_BREAKER_SETTINGS, DEFAULT_ROUTING_POLICY, ProviderHealthTracker } from '@gw/routing';
import { manualClock } from '@gw/shared-kernel/testing';
import type { AccessDirectory } from '@gw/accounts';
import { GatewayKeyGuard } from '../../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../../auth/principal.decorator';
import type { BudgetGate, BudgetHold } from '../../billing/budget-gate';
import type { RateLimitGate } from '../../limits/rate-limit-gate';
import { CHAT_STEPS, GatewayMetrics, type ChatStep } from '../../metrics/gateway-metrics';
import { ChatContext } from '../chat-context';
import { ChatController } from '../chat.controller';
import { ChatService } from '../chat.service';
import type { IdempotencyGate } from '../idempotency-gate';
import { RequestRecorder } from '../request-recorder';

/**
 * A request through the whole chat path (controller → ChatService → its steps) with in-memory fakes:
 * each step it passes is observed once in switchyard_chat_step_seconds{step}, and a step's time is
 * where the time went (the upstream's in attempt, the budget store's in settle).
 */

const UPSTREAM_MS = 25;
const SETTLE_MS = 25;

const answer = (request: ChatCompletionRequest): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_764_590_400,
  model: request.model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
});

/** Answers after UPSTREAM_MS (a latency to find again in the attempt step), or fails when told to. */
class SlowUpstream implements UpstreamProvider {
  readonly knownParams: ReadonlySet<string> = new Set(['model', 'messages', 'stream']);
  fail = false;

  async complete(target: UpstreamTarget, request: ChatCompletionRequest): Promise<ChatCompletion> {
    await new Promise((resolve) => setTimeout(resolve, UPSTREAM_MS));
    if (this.fail)
      throw new UpstreamError({ kind: 'server', status: 503, providerSlug: target.providerSlug });
    return answer(request);
  }

  async *stream(_target: UpstreamTarget, request: ChatCompletionRequest): AsyncIterable<ChatCompletionChunk> {
    await new Promise((resolve) => setTimeout(resolve, UPSTREAM_MS));
    const base = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk' as const,
      created: 1,
      model: request.model,
    };
    yield { ...base, choices: [{ index: 0, delta: { content: 'hel' }, finish_reason: null }] };
    yield { ...base, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] };
  }

  probe(): Promise<ProbeResult> {
    return Promise.resolve({ latencyMs: 1, status: 200, models: [] });
  }
}

/** Holds everything; settling takes SETTLE_MS (a budget store's round trip, to find in the settle step). */
const budget = {
  reserve: (userId: string, requestId: string): Promise<BudgetHold> =>
    Promise.resolve({
      month: '2026-12',
      reservedMicros: 50_000n,
      capWarning: undefined,
      settlement: (charged: bigint, at: Date) => ({
        requestId,
        userId,
        chargedMicros: charged.toString(),
        reservedMicros: '50000',
        month: '2026-12',
        settledAt: at.toISOString(),
      }),
      settle: () => new Promise<void>((resolve) => setTimeout(resolve, SETTLE_MS)),
      unsettle: () => undefined,
      release: () => undefined,
    }),
} as unknown as BudgetGate;

const user: Principal = {
  userId: 'u1',
  keyId: 'k1',
  roles: ['user'],
  tier: 'professional',
  powerLevel: 'balanced',
};

function harness() {
  const model = catalogModel('a/m');
  const catalog: CatalogSnapshot = {
    providers: new Map([
      [
        'a',
        {
          slug: 'a',
          name: 'a',
          kind: 'openai-compatible' as const,
          baseUrl: 'http://a.invalid/v1',
          enabled: true,
          apiKey: 'sk-a',
        },
      ],
    ]),
    models: [model],
  };
  const clock = manualClock();
  const upstream = new SlowUpstream();
  const context = new ChatContext(
    catalog,
    DEFAULT_ROUTING_POLICY,
    new ProviderHealthTracker(undefined, DEFAULT_BREAKER_SETTINGS, clock.nowMs),
    new Map([['openai-compatible', upstream]]),
  );
  const metrics = new GatewayMetrics();
  const logger = pino({ level: 'silent' });
  const recorder = new RequestRecorder(
    new GroupCommitWriter(new InMemoryEventStore()),
    'strict',
    metrics,
    logger,
  );
  const service = new ChatService(context, recorder, metrics, logger, clock, undefined, undefined, budget);
  const limits = {
    admit: () => Promise.resolve({ 'x-ratelimit-limit-requests': '100' }),
    admitBehind: () => Promise.resolve(undefined),
    correct: () => undefined,
  } as unknown as RateLimitGate;
  const idempotency = { begin: () => Promise.resolve({ kind: 'none' }) } as unknown as IdempotencyGate;
  const controller = new ChatController(service, limits, idempotency);
  const directory = { principalForKeyHash: () => user } as unknown as AccessDirectory;
  const guard = new GatewayKeyGuard(directory, undefined, metrics);

  /** What each step observed: how many times, and the seconds summed. */
  const observed = async (): Promise<Record<ChatStep, { count: number; sum: number }>> => {
    const { values } = await metrics.chatStepSeconds.get();
    const out = Object.fromEntries(CHAT_STEPS.map((s) => [s, { count: 0, sum: 0 }])) as Record<
      ChatStep,
      { count: number; sum: number }
    >;
    for (const v of values) {
      const step = v.labels.step as ChatStep;
      if (v.metricName === 'switchyard_chat_step_seconds_count') out[step].count = v.value;
      if (v.metricName === 'switchyard_chat_step_seconds_sum') out[step].sum = v.value;
    }
    return out;
  };

  const send = async (body: Record<string, unknown>) => {
    const raw = Object.assign(new EventEmitter(), {
      writableFinished: false,
      destroyed: false,
      headers: {} as Record<string, unknown>,
      written: [] as string[],
      setHeader(name: string, value: unknown) {
        this.headers[name] = value;
      },
      writeHead(_status: number, headers: Record<string, unknown>) {
        Object.assign(this.headers, headers);
      },
      write(chunk: string) {
        this.written.push(chunk);
        return true;
      },
      end(chunk?: string) {
        if (chunk) this.written.push(chunk);
        this.writableFinished = true;
      },
    });
    const sent: { body?: string; headers?: Record<string, string> } = {};
    const reply = {
      raw: raw as unknown as ServerResponse,
      hijack: () => undefined,
      headers(h: Record<string, string>) {
        sent.headers = h;
        return reply;
      },
      type: () => reply,
      send(json: string) {
        sent.body = json;
        return reply;
      },
    };
    const request = {
      headers: { authorization: 'Bearer sk-user-key' },
      id: 'req-1',
      url: '/v1/chat/completions',
    } as unknown as AuthenticatedRequest;
    // As on /v1: the key is checked before the body is read, then the controller runs.
    await guard.authenticate(request);
    await controller.createChatCompletion(body, request, reply as unknown as FastifyReply, user);
    return { sent, raw };
  };
  return { upstream, send, observed };
}

const hello = { model: 'a/m', messages: [{ role: 'user', content: 'hi' }] };

describe('the chat path as steps (switchyard_chat_step_seconds)', () => {
  it('a JSON answer observes validate, plan, hold, admit, attempt, settle, record and respond once each', async () => {
    const h = harness();
    const { sent } = await h.send(hello);
    expect(JSON.parse(sent.body!)).toMatchObject({
      model: 'a/m',
      choices: [{ message: { content: 'hello' } }],
    });

    const steps = await h.observed();
    const counts = Object.fromEntries(CHAT_STEPS.map((s) => [s, steps[s].count]));
    expect(counts).toEqual({
      authenticate: 1,
      validate: 1,
      plan: 1,
      hold: 1,
      admit: 1,
      attempt: 1,
      settle: 1,
      record: 1,
      respond: 1,
    });
    // The upstream's time is the attempt's; the budget store's settling is the settle step's.
    expect(steps.attempt.sum).toBeGreaterThanOrEqual((UPSTREAM_MS - 1) / 1000);
    expect(steps.settle.sum).toBeGreaterThanOrEqual((SETTLE_MS - 1) / 1000);
    expect(steps.plan.sum).toBeLessThan(steps.attempt.sum);
  });

  it('a stream observes each step once, respond covering the stream to its end but not settle and record', async () => {
    const h = harness();
    const { raw } = await h.send({ ...hello, stream: true });
    expect(raw.written.at(-1)).toBe('data: [DONE]\n\n');

    const steps = await h.observed();
    for (const step of [
      'validate',
      'plan',
      'hold',
      'admit',
      'attempt',
      'settle',
      'record',
      'respond',
    ] as const)
      expect({ step, count: steps[step].count }).toEqual({ step, count: 1 });
    expect(steps.attempt.sum).toBeGreaterThanOrEqual((UPSTREAM_MS - 1) / 1000);
    expect(steps.settle.sum).toBeGreaterThanOrEqual((SETTLE_MS - 1) / 1000);
  });

  it('a request no provider answers observes the walk and its failure record, and no settle or respond', async () => {
    const h = harness();
    h.upstream.fail = true;
    await expect(h.send(hello)).rejects.toMatchObject({ attempts: 1 });

    const steps = await h.observed();
    expect(Object.fromEntries(CHAT_STEPS.map((s) => [s, steps[s].count]))).toEqual({
      authenticate: 1,
      validate: 1,
      plan: 1,
      hold: 1,
      admit: 1,
      attempt: 1,
      settle: 0,
      record: 1,
      respond: 0,
    });
  });

  it('authenticate is timed for the chat route only (a query string too), once per request (the guard then finds the principal resolved)', async () => {
    const metrics = new GatewayMetrics();
    const directory = { principalForKeyHash: () => user } as unknown as AccessDirectory;
    const guard = new GatewayKeyGuard(directory, undefined, metrics);
    const request = (url: string) =>
      ({
        headers: { authorization: 'Bearer sk-user-key' },
        url,
      }) as unknown as AuthenticatedRequest;
    const chat = request('/v1/chat/completions');
    expect(guard.authenticate(chat)).toBe(user);
    expect(guard.authenticate(chat)).toBe(user); // Nest's guard after the hook: already resolved
    guard.authenticate(request('/v1/models'));
    guard.authenticate(request('/v1/chat/completions?trace=1'));
    expect(await metrics.registry.metrics()).toContain(
      'switchyard_chat_step_seconds_count{step="authenticate"} 2',
    );
  });
});
