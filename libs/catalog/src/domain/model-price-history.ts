import type { DomainEvent } from '@gw/shared-kernel';
import { MODEL_EVENT_TYPES, type ModelEvent, type ModelPricesData } from './model.events';

/** One version of a model's prices: what usage records name when they say which prices they paid. */
export interface ModelPriceVersion {
  /** 1 when the model was added, one more on each change of its prices (as ModelState.priceVersion). */
  readonly version: number;
  readonly prices: ModelPricesData;
  /** The actor who set these prices (a user id, or `system:seed` for the seed). */
  readonly changedBy: string;
  /** ISO time the prices took effect. */
  readonly changedAt: string;
}

const isModelEvent = (e: DomainEvent): e is ModelEvent =>
  (MODEL_EVENT_TYPES as readonly string[]).includes(e.type);

/**
 * The price versions of a model's stream, oldest first, numbered as the decider numbers them. A model
 * removed and added again starts over at version 1, so only the versions since the latest ModelAdded
 * are listed (the ones its ModelView.priceVersion counts); empty when the model is not in the catalog.
 */
export function modelPriceVersions(events: readonly DomainEvent[]): ModelPriceVersion[] {
  let versions: ModelPriceVersion[] = [];
  for (const event of events) {
    if (!isModelEvent(event)) continue;
    switch (event.type) {
      case 'ModelAdded':
        versions = [
          {
            version: 1,
            prices: event.data.prices,
            changedBy: event.data.addedBy,
            changedAt: event.data.addedAt,
          },
        ];
        break;
      case 'ModelUpdated': {
        const prices = event.data.changes.prices;
        if (prices !== undefined)
          versions.push({
            version: versions.length + 1,
            prices,
            changedBy: event.data.updatedBy,
            changedAt: event.data.updatedAt,
          });
        break;
      }
      case 'ModelRemoved':
        versions = [];
        break;
      default:
        break;
    }
  }
  return versions;
}
