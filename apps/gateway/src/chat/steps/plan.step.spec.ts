import type { CatalogSnapshot } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import type { KeyEntry } from '@gw/keys';
import {
  DEFAULT_BREAKER_SETTINGS,
  DEFAULT_ROUTING_POLICY,
  ProviderHealthTracker,
  type RankedCandidate,
} from '@gw/routing';
import { manualClock } from '@gw/shared-kernel/testing';
import { NO_BYOK, type ByokChoice } from '../byok-keys';
import { ChatContext } from '../chat-context';
import type { RoutePlan } from '../route-planner';
import { attemptsOf } from './plan.step';

const MODELS = ['a/m', 'b/m', 'c/m'].map((id) => catalogModel(id));
const catalog: CatalogSnapshot = {
  providers: new Map(
    ['a', 'b', 'c'].map((slug) => [
      slug,
      {
        slug,
        name: slug,
        kind: 'openai-compatible' as const,
        baseUrl: `http://${slug}.invalid`,
        enabled: true,
      },
    ]),
  ),
  models: MODELS,
};
const candidate = (modelId: string, over: Partial<RankedCandidate> = {}): RankedCandidate => ({
  modelId,
  provider: modelId.split('/')[0]!,
  score: 1,
  components: { cost: 1, latency: 1, quality: 1, errorPenalty: 0 },
  byok: false,
  ...over,
});
const planOfCandidates = (candidates: RankedCandidate[], byok: ByokChoice = NO_BYOK): RoutePlan => ({
  requestedModel: 'auto',
  powerLevel: 'balanced',
  candidates,
  models: new Map(MODELS.map((m) => [m.id, m])),
  policyVersion: 1,
  routingMicroseconds: 1,
  panic: false,
  byok,
  needs: {
    streaming: false,
    tools: false,
    vision: false,
    jsonMode: false,
    contextTokens: 0,
    maxOutputTokens: 0,
  },
});
const contextWith = (maxAttempts: number) =>
  new ChatContext(
    catalog,
    { ...DEFAULT_ROUTING_POLICY, maxAttempts },
    new ProviderHealthTracker(undefined, DEFAULT_BREAKER_SETTINGS, manualClock().nowMs),
    new Map(),
  );

describe('plan step: attemptsOf', () => {
  it('given three candidates and at most two attempts, then the first two, numbered from 1', () => {
    const attempts = attemptsOf(
      contextWith(2),
      planOfCandidates(['a/m', 'b/m', 'c/m'].map((id) => candidate(id))),
    );
    expect(attempts.map((a) => [a.attempt, a.model.id])).toEqual([
      [1, 'a/m'],
      [2, 'b/m'],
    ]);
  });

  it('a candidate whose model left the plan is skipped without using up a number', () => {
    const attempts = attemptsOf(contextWith(3), planOfCandidates([candidate('x/gone'), candidate('b/m')]));
    expect(attempts.map((a) => [a.attempt, a.model.id])).toEqual([[1, 'b/m']]);
  });

  it("a candidate paid by the caller's key is followed by the same model on the platform key", () => {
    const byok: ByokChoice = {
      ...NO_BYOK,
      providers: new Set(['a']),
      credentials: new Map([['a', 'byok:k1']]),
      keys: new Map([['byok:k1', { keyId: 'k1' } as KeyEntry]]),
    };
    const attempts = attemptsOf(
      contextWith(3),
      planOfCandidates([candidate('a/m', { byok: true, credential: 'byok:k1' }), candidate('b/m')], byok),
    );
    expect(attempts.map((a) => [a.model.id, a.candidate.byok])).toEqual([
      ['a/m', true],
      ['a/m', false],
      ['b/m', false],
    ]);
  });
});
