import { inject, Injectable, signal } from '@angular/core';
import { ApiError } from '../../core/http/api-error';
import { ApiKeysApi, type CreateApiKeyBody, type GatewayKeyView, type IssuedKeyView } from './api-keys-api';

/**
 * The API-keys page's state. A created key's secret is handed back to the caller (for the dialog that
 * shows it once) and never kept here: the list holds only the masked view.
 */
@Injectable()
export class ApiKeysStore {
  private readonly api = inject(ApiKeysApi);
  private readonly keyList = signal<readonly GatewayKeyView[]>([]);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly revoking = signal<ReadonlySet<string>>(new Set());

  readonly keys = this.keyList.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  /** Ids of keys being revoked. */
  readonly busy = this.revoking.asReadonly();

  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const keys = (await this.api.list()).data;
      this.keyList.set([...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))); // newest first
    } catch (e) {
      this.errorState.set(
        e instanceof ApiError ? e : new ApiError(0, 'client_error', 'Something went wrong', String(e), null),
      );
    } finally {
      this.loadingState.set(false);
    }
  }

  /** Creates a key; the answer (with the key) goes to the caller only. Throws ApiError. */
  async create(body: CreateApiKeyBody): Promise<IssuedKeyView> {
    const issued = await this.api.create(body);
    const listed: GatewayKeyView = {
      id: issued.id,
      name: issued.name,
      maskedKey: issued.maskedKey,
      createdAt: issued.createdAt,
      lastUsedAt: issued.lastUsedAt,
    };
    this.keyList.update((keys) => [listed, ...keys.filter((k) => k.id !== listed.id)]);
    return issued;
  }

  /** Revokes a key at once. Throws ApiError. */
  async revoke(id: string): Promise<void> {
    this.revoking.update((s) => new Set(s).add(id));
    try {
      await this.api.revoke(id);
      this.keyList.update((keys) => keys.filter((k) => k.id !== id));
    } finally {
      this.revoking.update((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
    }
  }
}
