import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Me, PowerLevel, Schemas } from '../../core/api/api';
import { streamChat, type ChatRequest, type ChatStreamEvent } from './chat-stream';

type Tier = Me['tier'];

export type CatalogModelView = Schemas['CatalogModelView'];
export type ModelAlias = Schemas['ModelAlias'];
export type CatalogModelsView = Schemas['CatalogModelsView'];
export type IssuedKeyView = Schemas['IssuedKeyView'];
type Explanation = Schemas['RequestExplanation'];
/** The part of GET /api/v1/requests/:id the playground reads. */
export type RequestExplanation = Pick<
  Explanation,
  'requestId' | 'requestedModel' | 'powerLevel' | 'outcome' | 'finalModelId'
> & {
  readonly usage: Pick<
    NonNullable<Explanation['usage']>,
    | 'provider'
    | 'modelId'
    | 'keySource'
    | 'promptTokens'
    | 'completionTokens'
    | 'providerCostMicros'
    | 'chargedMicros'
    | 'latencyMs'
    | 'timeToFirstTokenMs'
    | 'attempts'
  > | null;
};

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
