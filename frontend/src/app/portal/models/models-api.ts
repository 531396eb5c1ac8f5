import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { PowerLevel } from '../../core/api/api';

// until generated: PublicHealth (libs/routing/src/offer/model-offer.ts)
export type ModelHealth = 'healthy' | 'degraded' | 'down' | 'unknown';

// until generated: Tier (libs/shared-kernel)
export type Tier = 'free' | 'starter' | 'professional' | 'enterprise';

// until generated: CatalogModelView (apps/gateway/src/catalog/catalog-models.views.ts)
export interface CatalogModelView {
  readonly id: string;
  readonly provider: string;
  readonly providerName: string;
  readonly name: string;
  readonly capabilities: readonly string[];
  readonly contextWindow: number;
  readonly maxOutputTokens: number | null;
  readonly inputPerMTokMicros: string;
  readonly outputPerMTokMicros: string;
  readonly cachedInputPerMTokMicros: string;
  readonly powerLevels: readonly PowerLevel[];
  readonly p50LatencyMs: number | null;
  readonly typicalLatencyMs: number;
  readonly health: ModelHealth;
  readonly usableOnMyTier: boolean;
  readonly unlockTier: Tier | null;
  readonly enabled: boolean;
  readonly requiresOwnKey: boolean;
  readonly deprecated: { readonly replacement: string | null } | null;
}

// until generated: ModelAlias (libs/routing/src/offer/model-offer.ts)
export interface ModelAlias {
  readonly name: string;
  readonly description: string;
}

// until generated: CatalogModelsView (apps/gateway/src/catalog/catalog-models.views.ts)
export interface CatalogModelsView {
  readonly models: readonly CatalogModelView[];
  readonly aliases: readonly ModelAlias[];
}

/** GET /api/v1/catalog/models: the enabled models as the signed-in user sees them. */
@Injectable()
export class ModelsApi {
  private readonly http = inject(HttpClient);

  catalog(): Promise<CatalogModelsView> {
    return firstValueFrom(this.http.get<CatalogModelsView>('/api/v1/catalog/models'));
  }
}
