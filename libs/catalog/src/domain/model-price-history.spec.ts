import { modelPriceVersions } from './model-price-history';
import type { ModelEvent, ModelPricesData, ModelSpecData } from './model.events';

const key = { provider: 'acme', model: 'meta/rocket-1' };
const v1: ModelPricesData = {
  inputPerMillion: '1000000',
  outputPerMillion: '4000000',
  cachedInputPerMillion: '250000',
};
const v2: ModelPricesData = { ...v1, inputPerMillion: '1500000' };
const spec: ModelSpecData = {
  ...key,
  displayName: 'Rocket 1',
  prices: v1,
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  capabilities: { streaming: true, tools: true, vision: false, jsonMode: true },
  quality: 0.8,
  typicalLatencyMs: 1_000,
  powerLevels: ['balanced'],
  minTier: 'free',
};
const added = (by = 'system', at = '2026-01-01T00:00:00.000Z'): ModelEvent => ({
  type: 'ModelAdded',
  data: { ...spec, enabled: true, seeded: by === 'system', addedBy: by, addedAt: at },
});
const updated = (
  changes: Extract<ModelEvent, { type: 'ModelUpdated' }>['data']['changes'],
  at: string,
): ModelEvent => ({
  type: 'ModelUpdated',
  data: { ...key, changes, updatedBy: 'u-admin', updatedAt: at },
});

describe('modelPriceVersions', () => {
  it('numbers the added prices 1 and each price change one more, with who and when', () => {
    expect(
      modelPriceVersions([
        added(),
        updated({ displayName: 'Rocket One' }, '2026-01-02T00:00:00.000Z'),
        updated({ prices: v2 }, '2026-01-03T00:00:00.000Z'),
        {
          type: 'ModelDisabled',
          data: { ...key, reason: null, disabledBy: 'u-admin', disabledAt: '2026-01-04T00:00:00.000Z' },
        },
      ]),
    ).toEqual([
      { version: 1, prices: v1, changedBy: 'system', changedAt: '2026-01-01T00:00:00.000Z' },
      { version: 2, prices: v2, changedBy: 'u-admin', changedAt: '2026-01-03T00:00:00.000Z' },
    ]);
  });

  it('starts over when the model is removed and added again, as its priceVersion does', () => {
    const events: ModelEvent[] = [
      added(),
      updated({ prices: v2 }, '2026-01-02T00:00:00.000Z'),
      { type: 'ModelRemoved', data: { ...key, removedBy: 'u-admin', removedAt: '2026-01-03T00:00:00.000Z' } },
    ];
    expect(modelPriceVersions(events)).toEqual([]);
    expect(modelPriceVersions([...events, added('u-admin', '2026-01-05T00:00:00.000Z')])).toEqual([
      { version: 1, prices: v1, changedBy: 'u-admin', changedAt: '2026-01-05T00:00:00.000Z' },
    ]);
  });

  it('ignores events of other types', () => {
    expect(modelPriceVersions([{ type: 'SomethingElse', data: {} }])).toEqual([]);
  });
});
