import type { DomainEvent } from '@gw/shared-kernel';
import type { ModelTraits } from './catalog.types';

/** Prices as decimal strings of integer micro-dollars per million tokens (events are JSON). */
export interface ModelPricesData {
  readonly inputPerMillion: string;
  readonly outputPerMillion: string;
  readonly cachedInputPerMillion: string;
  /** Absent in events written before cache-write prices existed: the input price applies. */
  readonly cacheWritePerMillion?: string;
  /** One-hour cache writes; absent: the cache-write price. */
  readonly cacheWrite1hPerMillion?: string;
  /** Micro-dollars per request; absent: none. */
  readonly perRequest?: string;
  /** Long-context rates (see ModelPrices.longContext); absent: none. */
  readonly longContext?: {
    readonly aboveTokens: number;
    readonly inputPerMillion: string;
    readonly outputPerMillion: string;
  };
}

/** A model as its events carry it: the traits, with prices as strings. */
export interface ModelSpecData extends Omit<ModelTraits, 'prices'> {
  readonly provider: string;
  readonly model: string;
  readonly prices: ModelPricesData;
}

type ModelKey = { provider: string; model: string };

export type ModelAdded = DomainEvent<
  'ModelAdded',
  ModelSpecData & { enabled: boolean; seeded: boolean; addedBy: string; addedAt: string }
>;

/** Only the fields that changed, with their new values. */
export type ModelUpdated = DomainEvent<
  'ModelUpdated',
  ModelKey & {
    changes: Partial<Omit<ModelSpecData, 'provider' | 'model'>>;
    updatedBy: string;
    updatedAt: string;
  }
>;

export type ModelDisabled = DomainEvent<
  'ModelDisabled',
  ModelKey & { reason: string | null; disabledBy: string; disabledAt: string }
>;

export type ModelEnabled = DomainEvent<'ModelEnabled', ModelKey & { enabledBy: string; enabledAt: string }>;

/**
 * Still served when a caller names it, but no longer chosen by routing; callers are pointed at the
 * replacement (`provider/model`), when there is one.
 */
export type ModelDeprecated = DomainEvent<
  'ModelDeprecated',
  ModelKey & { replacement: string | null; deprecatedBy: string; deprecatedAt: string }
>;

/** Gone from the catalog; the stream stays. The model may be added again. */
export type ModelRemoved = DomainEvent<'ModelRemoved', ModelKey & { removedBy: string; removedAt: string }>;

export type ModelEvent =
  ModelAdded | ModelUpdated | ModelDisabled | ModelEnabled | ModelDeprecated | ModelRemoved;

export const MODEL_EVENT_TYPES: readonly ModelEvent['type'][] = [
  'ModelAdded',
  'ModelUpdated',
  'ModelDisabled',
  'ModelEnabled',
  'ModelDeprecated',
  'ModelRemoved',
];

/** `model-{provider}.{model}`; the model id may itself contain `/`, `:` or `.`. */
export const toModelStreamId = (provider: string, model: string): string => `model-${provider}.${model}`;

/** The id clients use: `provider/model`. */
export const toModelId = (provider: string, model: string): string => `${provider}/${model}`;
