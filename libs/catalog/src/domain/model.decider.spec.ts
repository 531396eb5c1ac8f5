import { IllegalStateError, NotFoundError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import type { ModelCommand } from './model.commands';
import { modelDecider } from './model.decider';
import type { ModelEvent, ModelSpecData } from './model.events';

const now = new Date('2026-11-23T12:00:00.000Z');
const at = now.toISOString();
const given = deciderSpec(modelDecider);

const spec: ModelSpecData = {
  provider: 'acme',
  model: 'acme/rocket-1:latest',
  displayName: 'Rocket 1',
  prices: { inputPerMillion: '1000000', outputPerMillion: '4000000', cachedInputPerMillion: '250000' },
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  capabilities: { streaming: true, tools: true, vision: false, jsonMode: true },
  quality: 0.8,
  typicalLatencyMs: 1_000,
  powerLevels: ['balanced', 'precision'],
  minTier: 'free',
};
const add = (extra: Partial<Extract<ModelCommand, { type: 'AddModel' }>['data']> = {}) =>
  ({
    type: 'AddModel',
    data: { spec, enabled: true, seeded: false, providerExists: true, by: 'admin', ...extra },
    metadata: { now },
  }) as ModelCommand;
const change = (
  data: Omit<Extract<ModelCommand, { type: 'ChangeModel' }>['data'], 'provider' | 'model' | 'by'>,
) =>
  ({
    type: 'ChangeModel',
    data: { provider: 'acme', model: spec.model, by: 'admin', ...data },
    metadata: { now },
  }) as ModelCommand;
const key = { provider: 'acme', model: spec.model };
const added: ModelEvent = {
  type: 'ModelAdded',
  data: { ...spec, enabled: true, seeded: false, addedBy: 'admin', addedAt: at },
};
const removed: ModelEvent = { type: 'ModelRemoved', data: { ...key, removedBy: 'admin', removedAt: at } };

describe('model decider', () => {
  it('adds a model', () => given([]).when(add()).then([added]));

  it('needs its provider', () =>
    given([])
      .when(add({ providerExists: false }))
      .thenThrows(NotFoundError, 'CATALOG.PROVIDER_NOT_FOUND'));

  it('refuses to add it twice (admin); the seed skips it quietly', () => {
    given([added]).when(add()).thenThrows(IllegalStateError, 'CATALOG.MODEL_EXISTS');
    given([added])
      .when(add({ seeded: true }))
      .then([]);
    given([added, removed])
      .when(add({ seeded: true }))
      .then([]);
  });

  it.each([
    ['model', { ...spec, model: 'has space' }],
    ['prices.inputPerMillion', { ...spec, prices: { ...spec.prices, inputPerMillion: '-1' } }],
    ['prices.outputPerMillion', { ...spec, prices: { ...spec.prices, outputPerMillion: '1.5' } }],
    ['contextWindow', { ...spec, contextWindow: 0 }],
    ['maxOutputTokens', { ...spec, maxOutputTokens: 200_000 }],
    ['quality', { ...spec, quality: 1.2 }],
    ['powerLevels', { ...spec, powerLevels: [] }],
    ['powerLevels', { ...spec, powerLevels: ['eco', 'eco'] as ModelSpecData['powerLevels'] }],
    ['minTier', { ...spec, minTier: 'gold' as ModelSpecData['minTier'] }],
  ])('refuses an invalid %s', (param, bad) => {
    let thrown: unknown;
    try {
      modelDecider.decide(add({ spec: bad }), modelDecider.initialState());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).details.param).toBe(param);
  });

  it('updates prices and limits, recording only what changed', () =>
    given([added])
      .when(change({ spec: { prices: { ...spec.prices, outputPerMillion: '3000000' }, quality: 0.8 } }))
      .then([
        {
          type: 'ModelUpdated',
          data: {
            ...key,
            changes: { prices: { ...spec.prices, outputPerMillion: '3000000' } },
            updatedBy: 'admin',
            updatedAt: at,
          },
        },
      ]));

  it('disables, enables and deprecates with a replacement', () => {
    const disabled: ModelEvent = {
      type: 'ModelDisabled',
      data: { ...key, reason: null, disabledBy: 'admin', disabledAt: at },
    };
    given([added])
      .when(change({ enabled: false }))
      .then([disabled]);
    given([added, disabled])
      .when(change({ enabled: true }))
      .then([{ type: 'ModelEnabled', data: { ...key, enabledBy: 'admin', enabledAt: at } }]);
    const deprecated: ModelEvent = {
      type: 'ModelDeprecated',
      data: { ...key, replacement: 'acme/rocket-2', deprecatedBy: 'admin', deprecatedAt: at },
    };
    given([added])
      .when(change({ deprecation: { replacement: 'acme/rocket-2' } }))
      .then([deprecated]);
    given([added, deprecated])
      .when(change({ deprecation: { replacement: 'acme/rocket-2' } }))
      .then([]);
    given([added])
      .when(change({ deprecation: { replacement: `acme/${spec.model}` } }))
      .thenThrows(ValidationError, 'CATALOG.INVALID_REPLACEMENT');
  });

  it('removes a model; changing it afterwards is a 404', () => {
    given([added])
      .when({ type: 'RemoveModel', data: { ...key, by: 'admin' }, metadata: { now } })
      .then([removed]);
    given([added, removed])
      .when(change({ enabled: false }))
      .thenThrows(NotFoundError, 'CATALOG.MODEL_NOT_FOUND');
  });

  it('reads a minimum tier recorded as `pro` (before the four tiers) as `professional`', () => {
    const legacy = { ...spec, minTier: 'pro' } as unknown as ModelSpecData;
    const old: ModelEvent = {
      type: 'ModelAdded',
      data: { ...legacy, enabled: true, seeded: true, addedBy: 'seed', addedAt: at },
    };
    const state = [old].reduce(modelDecider.evolve, modelDecider.initialState());
    expect(state.spec?.minTier).toBe('professional');
    const updated = modelDecider.evolve(state, {
      type: 'ModelUpdated',
      data: {
        ...key,
        changes: { minTier: 'pro' } as unknown as Partial<ModelSpecData>,
        updatedBy: 'a',
        updatedAt: at,
      },
    });
    expect(updated.spec?.minTier).toBe('professional');
  });
});
