import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Me, PowerLevel } from '../../core/api/api';
import { streamChat, type ChatRequest, type ChatStreamEvent } from './chat-stream';

type Tier = Me['tier'];

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
  readonly health: 'healthy' | 'degraded' | 'down' | 'unknown';
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

// until generated: IssuedKeyView (apps/gateway/src/accounts/accounts.views.ts)
export interface IssuedKeyView {
  readonly id: string;
  readonly name: string;
  readonly maskedKey: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly apiKey: string;
}

// until generated: RequestExplanation (libs/routing, GET /api/v1/requests/:id) — the fields this page reads
export interface RequestExplanation {
  readonly requestId: string;
  readonly requestedModel: string;
  readonly powerLevel: string;
  readonly outcome: 'pending' | 'completed' | 'interrupted' | 'failed';
  readonly finalModelId: string | null;
  readonly usage: {
    readonly provider: string;
    readonly modelId: string;
    readonly keySource: 'platform' | 'byok';
    readonly promptTokens: number;
    readonly completionTokens: number;
    readonly providerCostMicros: string;
    readonly chargedMicros: string;
    readonly latencyMs: number;
    readonly timeToFirstTokenMs: number | null;
    readonly attempts: number;
  } | null;
}

/** The playground's calls: the catalog, session keys, the routing explanation, and the chat stream. */
@Injectable()
export class PlaygroundApi {
  private readonly http = inject(HttpClient);

  catalog(): Promise<CatalogModelsView> {
    return firstValueFrom(this.http.get<CatalogModelsView>('/api/v1/catalog/models'));
  }

  /** A gateway key for this page; with an access token older than 15 minutes the password is needed. */
  createKey(name: string, password?: string): Promise<IssuedKeyView> {
    return firstValueFrom(
      this.http.post<IssuedKeyView>('/api/v1/me/api-keys', password ? { name, password } : { name }),
    );
  }

  revokeKey(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/v1/me/api-keys/${encodeURIComponent(id)}`));
  }

  /**
   * Revokes a key while the page goes away (route left, tab closed, reload), authenticated with
   * `bearer` (the key itself): a keepalive fetch outlives the page, and its 401 (already revoked) is
   * nobody's business, unlike HttpClient's, which would end the session.
   */
  revokeKeyOnUnload(id: string, bearer: string): void {
    void fetch(`/api/v1/me/api-keys/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      keepalive: true,
      credentials: 'omit',
      headers: { authorization: `Bearer ${bearer}` },
    }).catch(() => undefined);
  }

  explanation(requestId: string): Promise<RequestExplanation> {
    return firstValueFrom(
      this.http.get<RequestExplanation>(`/api/v1/requests/${encodeURIComponent(requestId)}`),
    );
  }

  /** The answer as it streams (fetch + ReadableStream), authenticated with `bearer`. */
  streamChat(request: ChatRequest, bearer: string, signal: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    return streamChat(request, bearer, signal);
  }
}
