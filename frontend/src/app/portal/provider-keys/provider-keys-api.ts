import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';

// until generated: KeyView (apps/gateway/src/keys/my-keys.ts)
/** A provider key as the gateway shows it: never the key, only its masked form. */
export interface KeyView {
  readonly id: string;
  readonly provider: string;
  readonly label: string;
  readonly masked: string;
  readonly last4: string;
  readonly status: 'valid' | 'unvalidated' | 'invalid';
  readonly enabled: boolean;
  readonly priority: number;
  readonly createdAt: string;
  readonly lastValidatedAt: string | null;
  readonly lastUsedAt: string | null;
  /** provider `custom`: the endpoint, and the model ids to name in requests. */
  readonly baseUrl?: string;
  readonly models?: readonly string[];
}

// until generated: KeyProviderView (apps/gateway/src/keys/my-keys.ts)
export interface KeyProviderView {
  readonly provider: string;
  readonly name: string;
  readonly kind: string;
  /** What the provider's keys look like, e.g. "starts with sk-ant-". */
  readonly keyFormat: string;
  /** Whether the platform also has a key for it. */
  readonly platformKey: boolean;
  /** How many keys the user has for it. */
  readonly keys: number;
}

// until generated: KeyProvidersView (apps/gateway/src/keys/my-keys.ts)
export interface KeyProvidersView {
  readonly data: readonly KeyProviderView[];
  readonly byok: {
    readonly allowed: boolean;
    readonly keysPerProvider: number;
    /** The lowest tier that allows BYOK (null: none does). */
    readonly unlockedBy?: string | null;
  };
}

// until generated: KeyList (apps/gateway/src/keys/my-keys.ts)
export interface KeyList {
  readonly data: readonly KeyView[];
}

// until generated: KeyTestView (apps/gateway/src/keys/my-keys.ts)
export interface KeyTestView {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** The failure's kind and status: never the provider's text. */
  readonly error: { readonly kind: string; readonly status: number | null } | null;
  readonly key: KeyView;
}

// until generated: KeyCheckView (apps/gateway/src/keys/my-keys.ts)
/** POST /api/v1/me/keys/test: a live check of a key that is not stored. */
export interface KeyCheckView {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error: { readonly kind: string; readonly status: number | null } | null;
}

// until generated: AddKeyDto (apps/gateway/src/keys/keys.dto.ts)
export interface AddKeyBody {
  readonly provider: string;
  readonly apiKey: string;
  readonly label?: string;
  readonly priority?: number;
  readonly validate?: boolean;
  readonly baseUrl?: string;
  readonly models?: readonly string[];
}

// until generated: CheckKeyDto (apps/gateway/src/keys/keys.dto.ts)
export type CheckKeyBody = Pick<AddKeyBody, 'provider' | 'apiKey' | 'baseUrl'>;

// until generated: ChangeKeyDto (apps/gateway/src/keys/keys.dto.ts)
export interface ChangeKeyBody {
  readonly label?: string;
  readonly enabled?: boolean;
  readonly priority?: number;
}

// until generated: RotateKeyDto (apps/gateway/src/keys/keys.dto.ts)
export interface RotateKeyBody {
  readonly apiKey: string;
  readonly validate?: boolean;
}

const BASE = '/api/v1/me/keys';

/** The caller's provider keys (BYOK): /api/v1/me/keys. Errors arrive as ApiError (interceptor). */
@Injectable({ providedIn: 'root' })
export class ProviderKeysApi {
  private readonly http = inject(HttpClient);

  providers(): Promise<KeyProvidersView> {
    return firstValueFrom(this.http.get<KeyProvidersView>(`${BASE}/providers`));
  }

  list(): Promise<KeyList> {
    return firstValueFrom(this.http.get<KeyList>(BASE));
  }

  add(body: AddKeyBody): Promise<KeyView> {
    return firstValueFrom(this.http.post<KeyView>(BASE, body));
  }

  /** A live check of a key before it is saved; nothing is stored. */
  check(body: CheckKeyBody): Promise<KeyCheckView> {
    return firstValueFrom(this.http.post<KeyCheckView>(`${BASE}/test`, body));
  }

  change(id: string, body: ChangeKeyBody): Promise<KeyView> {
    return firstValueFrom(this.http.patch<KeyView>(`${BASE}/${encodeURIComponent(id)}`, body));
  }

  rotate(id: string, body: RotateKeyBody): Promise<KeyView> {
    return firstValueFrom(this.http.post<KeyView>(`${BASE}/${encodeURIComponent(id)}/rotate`, body));
  }

  test(id: string): Promise<KeyTestView> {
    return firstValueFrom(this.http.post<KeyTestView>(`${BASE}/${encodeURIComponent(id)}/test`, null));
  }

  remove(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${BASE}/${encodeURIComponent(id)}`));
  }
}
