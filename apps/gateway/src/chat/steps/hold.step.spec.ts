import { catalogModel } from '@gw/catalog/testing';
import type { RankedCandidate } from '@gw/routing';
import type { BudgetGate } from '../../billing/budget-gate';
import { NO_BYOK } from '../byok-keys';
import type { ChatCompletionDto } from '../chat-completion.dto';
import type { Attempted } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import type { ChatCall } from './chat-call';
import { demandOf, holdBudget } from './hold.step';

const dto = (over: Partial<ChatCompletionDto> = {}): ChatCompletionDto =>
  ({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], ...over }) as ChatCompletionDto;
const call = (over: Partial<ChatCall> = {}): ChatCall =>
  ({
    principal: { userId: 'u1', keyId: 'k1', roles: ['user'], tier: 'professional', powerLevel: 'eco' },
    dto: dto(),
    body: {},
    requestId: 'r1',
    signal: new AbortController().signal,
    promptTokens: 120,
    ...over,
  }) as ChatCall;
const plan = { powerLevel: 'eco', byok: NO_BYOK } as unknown as RoutePlan;
const attempted = (id: string, byok: boolean): Attempted => ({
  model: catalogModel(id, { maxOutputTokens: 4_096 }),
  candidate: { modelId: id, provider: id.split('/')[0]!, byok } as RankedCandidate,
  attempt: 1,
});

describe('hold step', () => {
  it('demandOf: the prompt bound given, n choices of max_completion_tokens (over max_tokens)', () => {
    expect(demandOf(call({ dto: dto({ n: 3, max_tokens: 50, max_completion_tokens: 70 }) }))).toEqual({
      promptTokens: 120,
      maxOutputTokens: 70,
      choices: 3,
    });
    expect(demandOf(call({ dto: dto({ max_tokens: 50 }) }))).toEqual({
      promptTokens: 120,
      maxOutputTokens: 50,
      choices: 1,
    });
  });

  it('without a budget nothing is held (no promise to wait for)', () => {
    expect(holdBudget(undefined, call(), plan, [attempted('a/m', false)], undefined)).toBeUndefined();
  });

  it('holds the worst case of every attempt, each under who pays it; the rate-limit check rides along', async () => {
    const reserve = jest.fn(() => Promise.resolve('held'));
    const behind = jest.fn();
    const budget = { reserve } as unknown as BudgetGate;
    await expect(
      holdBudget(budget, call(), plan, [attempted('a/m', true), attempted('b/m', false)], behind),
    ).resolves.toBe('held');
    expect(reserve).toHaveBeenCalledWith(
      'u1',
      'r1',
      [
        expect.objectContaining({
          maxOutputTokens: 4_096,
          basis: { powerLevel: 'eco', tier: 'professional', keySource: 'byok' },
        }),
        expect.objectContaining({
          basis: { powerLevel: 'eco', tier: 'professional', keySource: 'platform' },
        }),
      ],
      { promptTokens: 120, maxOutputTokens: undefined, choices: 1 },
      behind,
    );
  });
});
