import type { EventStore } from '@gw/eventstore';
import { handleCommand } from '@gw/eventstore';
import type { Clock, EventMetadata } from '@gw/shared-kernel';
import type { ModelSpec, ProviderSeed } from '../domain/catalog-specs';
import type { ModelSpecData } from '../domain/model.events';
import { toModelStreamId } from '../domain/model.events';
import { pricesToData } from '../domain/model-prices';
import { modelDecider } from '../domain/model.decider';
import { toProviderStreamId } from '../domain/provider-health.events';
import { providerDecider } from '../domain/provider.decider';

const SEED_METADATA: EventMetadata = {
  correlationId: 'catalog-seed',
  actorId: 'system:seed',
  actorKind: 'system',
};

export const toModelSpecData = (provider: string, m: ModelSpec): ModelSpecData => ({
  provider,
  model: m.model,
  displayName: m.displayName,
  prices: pricesToData(m.prices),
  contextWindow: m.contextWindow,
  maxOutputTokens: m.maxOutputTokens,
  capabilities: m.capabilities,
  quality: m.quality,
  typicalLatencyMs: m.typicalLatencyMs,
  powerLevels: m.powerLevels,
  minTier: m.minTier,
});

/**
 * Seeds the catalog as events, idempotently: a provider or model is registered only if its stream
 * never registered it, so restarts append nothing and an admin's changes and removals stand.
 * Returns how many streams got events.
 */
export async function seedCatalog(
  store: EventStore,
  seeds: readonly ProviderSeed[],
  clock: Clock,
): Promise<number> {
  let seeded = 0;
  for (const { provider, enabled, models } of seeds) {
    const now = clock.now();
    const result = await handleCommand(
      store,
      toProviderStreamId(provider.slug),
      providerDecider,
      {
        type: 'RegisterProvider',
        data: { spec: provider, enabled, seeded: true, by: SEED_METADATA.actorId },
        metadata: { now },
      },
      { metadata: SEED_METADATA, now },
    );
    if (result.events.length > 0) seeded++;
    for (const m of models) {
      const added = await handleCommand(
        store,
        toModelStreamId(provider.slug, m.model),
        modelDecider,
        {
          type: 'AddModel',
          data: {
            spec: toModelSpecData(provider.slug, m),
            enabled: true,
            seeded: true,
            providerExists: true,
            by: SEED_METADATA.actorId,
          },
          metadata: { now },
        },
        { metadata: SEED_METADATA, now },
      );
      if (added.events.length > 0) seeded++;
    }
  }
  return seeded;
}
