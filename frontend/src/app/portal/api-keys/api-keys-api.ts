import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

/** A gateway key as listed: masked, never the key; last use as one gateway instance saw it. */
export type GatewayKeyView = Schemas['GatewayKeyView'];
/** A just-issued gateway key: the only answer that ever holds the key. */
export type IssuedKeyView = Schemas['IssuedKeyView'];
export type GatewayKeyList = Schemas['GatewayKeyList'];
/** name (1 to 100 characters); password when the sign-in is more than 15 minutes old (local sign-in). */
export type CreateApiKeyBody = Schemas['CreateApiKeyDto'];

const BASE = '/api/v1/me/api-keys';

/** The caller's gateway keys: /api/v1/me/api-keys. Errors arrive as ApiError (interceptor). */
@Injectable({ providedIn: 'root' })
export class ApiKeysApi {
  private readonly http = inject(HttpClient);

  list(): Promise<GatewayKeyList> {
    return firstValueFrom(this.http.get<GatewayKeyList>(BASE));
  }

  create(body: CreateApiKeyBody): Promise<IssuedKeyView> {
    return firstValueFrom(this.http.post<IssuedKeyView>(BASE, body));
  }

  revoke(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${BASE}/${encodeURIComponent(id)}`));
  }
}
