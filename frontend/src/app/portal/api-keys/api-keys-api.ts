import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';

// until generated: GatewayKeyView (libs/accounts/src/access/access-directory.ts)
/** A gateway key as listed: masked, never the key. */
export interface GatewayKeyView {
  readonly id: string;
  readonly name: string;
  readonly maskedKey: string;
  readonly createdAt: string;
  /** When this gateway instance last saw the key used (since its start); null if it has not. */
  readonly lastUsedAt: string | null;
}

// until generated: IssuedKeyView (apps/gateway/src/accounts/accounts.views.ts)
/** A just-issued gateway key: the only answer that ever holds the key. */
export interface IssuedKeyView extends GatewayKeyView {
  readonly apiKey: string;
}

// until generated: GatewayKeyList (apps/gateway/src/accounts/accounts.views.ts)
export interface GatewayKeyList {
  readonly data: readonly GatewayKeyView[];
}

// until generated: CreateApiKeyDto (apps/gateway/src/accounts/accounts.dto.ts)
export interface CreateApiKeyBody {
  /** What the key is for ("laptop", "CI"), 1 to 100 characters. */
  readonly name: string;
  /** The user's password, when the sign-in is more than 15 minutes old (local sign-in). */
  readonly password?: string;
}

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
