import { catalogModel } from '@gw/catalog/testing';
import { ProviderLoadTracker, type FallbackTriggered, type RankedCandidate } from '@gw/routing';
import { NO_BYOK } from '../byok-keys';
import type { ChatCompletionDto } from '../chat-completion.dto';
import type { Attempted } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import type { CountedUsage } from '../usage-accounting';
import type { ChatCall } from './chat-call';
import { completionText, estimateUsage, recordProviderLoad, usageData } from './settle.step';

const call = (dto: Partial<ChatCompletionDto>, promptTokens?: number): ChatCall =>
  ({
    principal: { userId: 'u1', keyId: 'k1', roles: ['user'], tier: 'free', powerLevel: 'eco' },
    dto: { model: 'auto', messages: [{ role: 'user', content: 'hello there' }], ...dto },
    body: {},
    requestId: 'r1',
    signal: new AbortController().signal,
    ...(promptTokens !== undefined && { promptTokens }),
  }) as ChatCall;
const model = catalogModel('a/m', { maxOutputTokens: 5 });

describe('settle step', () => {
  it('estimateUsage: never above what was held (the prompt bound, the output the request may get)', () => {
    const long = 'word '.repeat(200);
    const usage = estimateUsage(call({ max_tokens: 3 }, 2), model, long);
    expect(usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('estimateUsage: a short answer counts what the tokenizer finds', () => {
    const usage = estimateUsage(call({}), model, 'ok');
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeLessThanOrEqual(5);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('completionText: the choices’ text content joined, other content counted as empty', () => {
    expect(
      completionText({
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'a' }, finish_reason: 'stop' },
          { index: 1, message: { role: 'assistant', content: null }, finish_reason: 'stop' },
          { index: 2, message: { role: 'assistant', content: 'b' }, finish_reason: 'stop' },
        ],
      }),
    ).toBe('ab');
  });

  it('usageData: money as strings, optional token kinds only when present, times to the microsecond', () => {
    const attempted: Attempted = {
      model,
      candidate: { modelId: 'a/m', provider: 'a', byok: false } as RankedCandidate,
      attempt: 2,
    };
    const counted: CountedUsage = {
      promptTokens: 10,
      completionTokens: 4,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: 3,
      providerCostMicros: 12n,
      chargedMicros: 30n,
      priceVersion: 2,
      billingPolicyVersion: 5,
    };
    const plan = { powerLevel: 'eco', byok: NO_BYOK } as unknown as RoutePlan;
    const data = usageData(call({}), plan, attempted, counted, {
      estimated: false,
      clamped: false,
      latencyMs: 12.3456789,
      ttft: null,
      streamed: false,
      finishReason: 'stop',
      outcome: 'completed',
    });
    expect(data).toMatchObject({
      provider: 'a',
      modelId: 'a/m',
      keySource: 'platform',
      keyId: null,
      reasoningTokens: 3,
      providerCostMicros: '12',
      chargedMicros: '30',
      latencyMs: 12.346,
      timeToFirstTokenMs: null,
      attempts: 2,
    });
    expect(data).not.toHaveProperty('cacheWriteTokens');
    expect(data).not.toHaveProperty('usageClamped');
  });
});

describe('settle step: recordProviderLoad', () => {
  const hop = (provider: string, credential: 'platform' | 'byok'): FallbackTriggered['data'] => ({
    requestId: 'r1',
    userId: 'u1',
    fromModelId: `${provider}/m`,
    toModelId: 'c/m',
    reason: 'server',
    status: 503,
    attempt: 1,
    fromProvider: provider,
    fromCredential: credential,
  });
  const attempted = (provider: string, byok: boolean): Attempted => ({
    model: catalogModel(`${provider}/m`),
    candidate: { modelId: `${provider}/m`, provider, byok } as RankedCandidate,
    attempt: 2,
  });

  it('counts each platform-key attempt: a failed one as one request, the answer with its tokens', () => {
    const load = new ProviderLoadTracker(() => 0);
    recordProviderLoad({ load }, [hop('a', 'platform'), hop('b', 'byok')], attempted('c', false), 120);
    expect(load.requestsInWindow('a')).toBe(1);
    expect(load.tokensInWindow('a')).toBe(0);
    expect(load.requestsInWindow('b')).toBe(0); // the caller's own key: its own limits
    expect(load.requestsInWindow('c')).toBe(1);
    expect(load.tokensInWindow('c')).toBe(120);
  });

  it("an answer on the caller's own key is not counted", () => {
    const load = new ProviderLoadTracker(() => 0);
    recordProviderLoad({ load }, [], attempted('c', true), 120);
    expect(load.requestsInWindow('c')).toBe(0);
  });
});
