import type { CatalogSnapshot } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import type { UpstreamProvider } from '@gw/providers';
import {
  DEFAULT_BREAKER_SETTINGS,
  DEFAULT_ROUTING_POLICY,
  ProviderHealthTracker,
  type FallbackTriggered,
  type RankedCandidate,
} from '@gw/routing';
import { manualClock } from '@gw/shared-kernel/testing';
import type { BudgetHold } from '../../billing/budget-gate';
import { ChatContext } from '../chat-context';
import type { Attempted } from '../fallback-walk';
import type { CountedUsage } from '../usage-accounting';
import type { ChatCall } from './chat-call';
import { answerHeaders, moneyOf } from './respond.step';

const model = catalogModel('a/m');
const catalog: CatalogSnapshot = {
  providers: new Map([
    [
      'a',
      {
        slug: 'a',
        name: 'a',
        kind: 'openai-compatible' as const,
        baseUrl: 'http://a.invalid',
        enabled: true,
      },
    ],
  ]),
  models: [model],
};
const upstream = { knownParams: new Set(['model', 'messages']) } as unknown as UpstreamProvider;
const context = new ChatContext(
  catalog,
  DEFAULT_ROUTING_POLICY,
  new ProviderHealthTracker(undefined, DEFAULT_BREAKER_SETTINGS, manualClock().nowMs),
  new Map([['openai-compatible', upstream]]),
);
const call = {
  requestId: 'r1',
  body: { model: 'auto', messages: [], power_level: 'eco', weird: 1 },
} as unknown as ChatCall;
const attempted = (byok: boolean): Attempted => ({
  model,
  candidate: { modelId: 'a/m', provider: 'a', byok } as RankedCandidate,
  attempt: 2,
});
const rejectedKey = { reason: 'byok_key_rejected' } as FallbackTriggered['data'];

describe('respond step', () => {
  it('answerHeaders: who answered after how many attempts, the fields the provider never got', () => {
    expect(answerHeaders(context, call, attempted(false), [], undefined)).toEqual({
      'x-switchyard-request-id': 'r1',
      'x-switchyard-provider': 'a',
      'x-switchyard-model': 'a/m',
      'x-switchyard-attempts': '2',
      'x-switchyard-ignored-params': 'weird',
    });
  });

  it('answerHeaders: the caller’s key used, or bypassed after it was refused; a soft cap’s warning', () => {
    const hold = { capWarning: 'soft cap passed' } as BudgetHold;
    expect(answerHeaders(context, call, attempted(true), [], hold)).toMatchObject({
      'x-switchyard-byok': 'used',
      'x-switchyard-cap-warning': 'soft cap passed',
    });
    expect(answerHeaders(context, call, attempted(false), [rejectedKey], undefined)).toMatchObject({
      'x-switchyard-byok': 'bypassed',
    });
  });

  it('moneyOf: micro-dollars as strings', () => {
    expect(
      moneyOf({ providerCostMicros: 12n, chargedMicros: 9_007_199_254_740_993n } as CountedUsage),
    ).toEqual({
      cost_micros: '12',
      charge_micros: '9007199254740993',
    });
  });
});
