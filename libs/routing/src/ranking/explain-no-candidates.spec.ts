import type { CatalogModel } from '@gw/catalog';
import { catalogModel } from '@gw/catalog/testing';
import { DEFAULT_ROUTING_POLICY } from '../domain/routing-policy';
import { explainNoCandidates } from './explain-no-candidates';
import { rankCandidates, type RankInput } from './rank-candidates';

const model = catalogModel;

const input = (models: CatalogModel[], over: Partial<RankInput> = {}): RankInput => ({
  models,
  policy: DEFAULT_ROUTING_POLICY,
  powerLevel: 'balanced',
  tier: 'free',
  needs: { streaming: false, tools: false, vision: false, jsonMode: false, contextTokens: 100 },
  health: { errorRate: () => 0, latencyMs: () => undefined, isAvailable: () => true },
  byokProviders: new Set(),
  ...over,
});

/** Given a request nothing can serve, when explained: the filter, the parameter, and the words. */
const explained = (i: RankInput) => {
  expect(rankCandidates(i)).toEqual([]); // the explanation is only for requests ranking refuses
  return explainNoCandidates(i);
};

describe('explainNoCandidates', () => {
  it('names the tier, and the least tier that would do', () => {
    const why = explained(
      input([model('a/big', { minTier: 'enterprise' }), model('b/mid', { minTier: 'starter' })]),
    );
    expect(why).toMatchObject({ filter: 'tier', param: null });
    expect(why.message).toBe(
      'No model at power level balanced is available to the free tier (it takes starter or higher).',
    );
  });

  it('names the missing capability and the parameter that asks for it', () => {
    const noTools = model('a/plain', {
      capabilities: { streaming: true, tools: false, vision: false, jsonMode: true },
    });
    const why = explained(
      input([noTools], {
        needs: { streaming: false, tools: true, vision: false, jsonMode: false, contextTokens: 10 },
      }),
    );
    expect(why).toMatchObject({ filter: 'tools', param: 'tools' });
    expect(why.message).toContain('supports tool calls');
    const vision = explained(
      input([noTools], {
        needs: { streaming: false, tools: false, vision: true, jsonMode: false, contextTokens: 10 },
      }),
    );
    expect(vision).toMatchObject({ filter: 'vision', param: 'messages' });
    expect(vision.message).toContain('image input');
  });

  it('the first capability that no model has is named, after the ones some do', () => {
    const toolsOnly = model('a/t', {
      capabilities: { streaming: true, tools: true, vision: false, jsonMode: false },
    });
    const visionOnly = model('b/v', {
      capabilities: { streaming: true, tools: false, vision: true, jsonMode: false },
    });
    const why = explained(
      input([toolsOnly, visionOnly], {
        needs: { streaming: false, tools: true, vision: true, jsonMode: false, contextTokens: 10 },
      }),
    );
    expect(why.filter).toBe('vision'); // tools left a/t, vision removed it
  });

  it("names the prompt's token bound against the largest context window", () => {
    const why = explained(
      input([model('a/s', { contextWindow: 8_000 }), model('b/l', { contextWindow: 32_000 })], {
        needs: { streaming: false, tools: false, vision: false, jsonMode: false, contextTokens: 50_000 },
      }),
    );
    expect(why).toMatchObject({ filter: 'contextWindow', param: 'messages' });
    expect(why.message).toContain('up to 50000 tokens (the prompt counted at one token per UTF-8 byte');
    expect(why.message).toContain('largest context window at power level balanced (32000 tokens)');
  });

  it('names max_tokens when no model can write that much', () => {
    const why = explained(
      input([model('a/s')], {
        needs: {
          streaming: false,
          tools: false,
          vision: false,
          jsonMode: false,
          contextTokens: 9_000,
          maxOutputTokens: 9_000,
        },
      }),
    );
    expect(why).toMatchObject({ filter: 'maxOutput', param: 'max_tokens' });
    expect(why.message).toContain('(4096 at most)');
  });

  it('names the price limit with the cheapest price that fits otherwise', () => {
    const pricey = model('a/p', {
      prices: { inputPerMillion: 10_000_000n, outputPerMillion: 30_000_000n, cachedInputPerMillion: 0n },
    });
    const why = explained(input([pricey], { powerLevel: 'eco' }));
    expect(why).toMatchObject({ filter: 'price', param: null });
    expect(why.message).toContain(
      'price limit of power level eco ($0.001 per 1K tokens; the cheapest costs $0.02)',
    );
  });

  it('names a pinned model in every message', () => {
    const why = explained(
      input(
        [model('a/old', { capabilities: { streaming: false, tools: true, vision: false, jsonMode: true } })],
        {
          pinnedModelId: 'a/old',
          needs: { streaming: true, tools: false, vision: false, jsonMode: false, contextTokens: 10 },
        },
      ),
    );
    expect(why).toMatchObject({ filter: 'streaming', param: 'stream' });
    expect(why.message).toBe('The model `a/old` does not support streaming, which this request needs.');
  });

  it('says when nothing is offered at the power level', () => {
    const why = explained(input([model('a/eco', { powerLevels: ['eco'] })], { powerLevel: 'precision' }));
    expect(why.filter).toBe('offered');
    expect(why.message).toContain('No model is offered at power level precision');
  });
});
