import type {
  ModelEntry,
  ModelPricesData,
  ModelPriceVersion,
  ProviderEntry,
  ProviderStatus,
} from '@gw/catalog';
import type { ProviderHealthSnapshot } from '@gw/routing';

/** A provider as admins see it. The platform key appears only masked. */
export interface ProviderView {
  readonly slug: string;
  readonly name: string;
  readonly kind: string;
  readonly baseUrl: string;
  readonly requiresKey: boolean;
  /** Charge-changing request features let through to this provider (PAID_PARAMS); [] when none. */
  readonly allowedPaidParams: readonly string[];
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  /** Whether it serves requests now, and if not, why. */
  readonly status: ProviderStatus;
  readonly platformKey: {
    readonly masked: string;
    readonly last4: string;
    readonly kekVersion: number;
    readonly setAt: string;
  } | null;
  readonly seeded: boolean;
  readonly models: number;
  readonly health: Pick<ProviderHealthSnapshot, 'state' | 'recentErrorRate' | 'openSince' | 'pausedUntil'>;
}

export const toProviderView = (
  p: ProviderEntry,
  status: ProviderStatus,
  models: number,
  health: ProviderHealthSnapshot,
): ProviderView => ({
  slug: p.spec.slug,
  name: p.spec.name,
  kind: p.spec.kind,
  baseUrl: p.spec.baseUrl,
  requiresKey: p.spec.requiresKey,
  allowedPaidParams: p.spec.allowedPaidParams ?? [],
  enabled: p.enabled,
  disabledReason: p.disabledReason,
  status,
  platformKey: p.platformKey
    ? {
        masked: p.platformKey.masked,
        last4: p.platformKey.last4,
        kekVersion: p.platformKey.kekVersion,
        setAt: p.platformKey.setAt,
      }
    : null,
  seeded: p.seeded,
  models,
  health: {
    state: health.state,
    recentErrorRate: health.recentErrorRate,
    openSince: health.openSince,
    pausedUntil: health.pausedUntil,
  },
});

/** A model's prices, micro-dollars per million tokens (per request for `perRequestMicros`), defaults filled in. */
export interface ModelPricesView {
  readonly inputPerMillionMicros: string;
  readonly outputPerMillionMicros: string;
  readonly cachedInputPerMillionMicros: string;
  readonly cacheWritePerMillionMicros: string;
  readonly cacheWrite1hPerMillionMicros: string;
  readonly perRequestMicros: string;
  readonly longContext: {
    readonly aboveTokens: number;
    readonly inputPerMillionMicros: string;
    readonly outputPerMillionMicros: string;
  } | null;
}

export const toModelPricesView = (p: ModelPricesData): ModelPricesView => ({
  inputPerMillionMicros: p.inputPerMillion,
  outputPerMillionMicros: p.outputPerMillion,
  cachedInputPerMillionMicros: p.cachedInputPerMillion,
  cacheWritePerMillionMicros: p.cacheWritePerMillion ?? p.inputPerMillion,
  cacheWrite1hPerMillionMicros: p.cacheWrite1hPerMillion ?? p.cacheWritePerMillion ?? p.inputPerMillion,
  perRequestMicros: p.perRequest ?? '0',
  longContext: p.longContext
    ? {
        aboveTokens: p.longContext.aboveTokens,
        inputPerMillionMicros: p.longContext.inputPerMillion,
        outputPerMillionMicros: p.longContext.outputPerMillion,
      }
    : null,
});

/** One version of a model's prices (GET /api/v1/admin/models/:provider/:model/prices). */
export interface ModelPriceVersionView {
  /** 1 when added, one more on each price change: the `priceVersion` usage records name. */
  readonly version: number;
  readonly prices: ModelPricesView;
  /** Who set them: a user id, or `system:seed` for the seed. */
  readonly changedBy: string;
  /** The actor's display name now; null for the seed or an account that is gone. */
  readonly changedByName: string | null;
  /** When they took effect (ISO 8601). */
  readonly changedAt: string;
}

export const toModelPriceVersionView = (
  v: ModelPriceVersion,
  changedByName: string | null,
): ModelPriceVersionView => ({
  version: v.version,
  prices: toModelPricesView(v.prices),
  changedBy: v.changedBy,
  changedByName,
  changedAt: v.changedAt,
});

/** A model as admins see it; money in micro-dollar strings. */
export interface ModelView {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly displayName: string;
  readonly prices: ModelPricesView;
  /** 1 when added, one more on each price change (usage records name the version they paid). */
  readonly priceVersion: number;
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  readonly capabilities: ModelEntry['spec']['capabilities'];
  readonly quality: number;
  readonly typicalLatencyMs: number;
  readonly powerLevels: readonly string[];
  readonly minTier: string;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly deprecated: { readonly replacement: string | null; readonly at: string } | null;
  readonly seeded: boolean;
  /** Enabled, and its provider is active: routing may choose it. */
  readonly routable: boolean;
}

export const toModelView = (m: ModelEntry, providerActive: boolean): ModelView => ({
  id: m.id,
  provider: m.spec.provider,
  model: m.spec.model,
  displayName: m.spec.displayName,
  prices: toModelPricesView(m.spec.prices),
  priceVersion: m.priceVersion ?? 1,
  contextWindow: m.spec.contextWindow,
  maxOutputTokens: m.spec.maxOutputTokens,
  capabilities: m.spec.capabilities,
  quality: m.spec.quality,
  typicalLatencyMs: m.spec.typicalLatencyMs,
  powerLevels: m.spec.powerLevels,
  minTier: m.spec.minTier,
  enabled: m.enabled,
  disabledReason: m.disabledReason,
  deprecated: m.deprecation ?? null,
  seeded: m.seeded,
  routable: m.enabled && providerActive,
});
