import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

/** A provider key as the gateway shows it: never the key, only its masked form. */
export type KeyView = Schemas['KeyView'];
/** A provider the user may add keys for, with its key format. */
export type KeyProviderView = Schemas['KeyProviderView'];
export type KeyProvidersView = Schemas['KeyProvidersView'];
export type KeyList = Schemas['KeyList'];
/** A live test of a stored key. */
export type KeyTestView = Schemas['KeyTestView'];
/** POST /api/v1/me/keys/test: a live check of a key that is not stored. */
export type KeyCheckView = Schemas['KeyCheckView'];
export type AddKeyBody = Schemas['AddKeyDto'];
export type CheckKeyBody = Schemas['CheckKeyDto'];
export type ChangeKeyBody = Schemas['ChangeKeyDto'];
export type RotateKeyBody = Schemas['RotateKeyDto'];

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
