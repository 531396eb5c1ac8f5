import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

export type UserView = Schemas['UserView'];
export type UserList = Schemas['UserList'];
export type Tier = Schemas['Tier'];
export type Role = Schemas['Role'];
export type CreateUserBody = Schemas['CreateUserDto'];
export type UpdateUserBody = Schemas['UpdateUserDto'];
export type CreditsView = Schemas['CreditsView'];
export type CreditGrantView = Schemas['CreditGrantView'];
export type LedgerPage = Schemas['LedgerPage'];
export type LedgerEntryView = Schemas['LedgerEntryView'];
/** A provider key (BYOK) as the admin sees it: masked, never the key. */
export type ProviderKeyView = Schemas['KeyView'];
/** A gateway key as listed: masked, never the key. */
export type GatewayKeyView = Schemas['GatewayKeyView'];
export type ProviderKeyList = Schemas['KeyList'];
export type GatewayKeyList = Schemas['GatewayKeyList'];
export type CreatedUserView = Schemas['CreatedUserView'];
export type UsageSummary = Schemas['UsageSummary'];
export type UsageTimeseries = Schemas['UsageTimeseries'];

export const TIERS: readonly Tier[] = ['free', 'starter', 'professional', 'enterprise'];
export const ROLES: readonly Role[] = ['user', 'admin', 'auditor'];

export interface UserQuery {
  readonly q: string;
  readonly limit: number;
  readonly cursor: string | null;
}

/** [from, to) as ISO 8601 instants. */
export interface UsageRange {
  readonly from: string;
  readonly to: string;
}

const BASE = '/api/v1/admin/users';
const user = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;

/** Admin: accounts, their credits, keys and usage. Errors arrive as ApiError (interceptor). */
@Injectable({ providedIn: 'root' })
export class AdminUsersApi {
  private readonly http = inject(HttpClient);

  list(query: UserQuery): Promise<UserList> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.q.trim()) params = params.set('q', query.q.trim());
    if (query.cursor) params = params.set('cursor', query.cursor);
    return firstValueFrom(this.http.get<UserList>(BASE, { params }));
  }

  create(body: CreateUserBody): Promise<CreatedUserView> {
    return firstValueFrom(this.http.post<CreatedUserView>(BASE, body));
  }

  get(id: string): Promise<UserView> {
    return firstValueFrom(this.http.get<UserView>(user(id)));
  }

  update(id: string, body: UpdateUserBody): Promise<UserView> {
    return firstValueFrom(this.http.put<UserView>(user(id), body));
  }

  delete(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(user(id)));
  }

  credits(id: string): Promise<CreditsView> {
    return firstValueFrom(this.http.get<CreditsView>(`${user(id)}/credits`));
  }

  ledger(id: string, limit = 10): Promise<LedgerPage> {
    return firstValueFrom(
      this.http.get<LedgerPage>(`${user(id)}/credits/ledger`, {
        params: new HttpParams().set('limit', limit),
      }),
    );
  }

  /** Grants `amountMicros` (a positive integer string) with a reason; once per idempotency key. */
  grantCredits(
    id: string,
    amountMicros: string,
    reason: string,
    idempotencyKey: string,
  ): Promise<CreditGrantView> {
    return firstValueFrom(
      this.http.post<CreditGrantView>(
        `${user(id)}/credits`,
        { amountMicros, reason },
        { headers: { 'Idempotency-Key': idempotencyKey } },
      ),
    );
  }

  providerKeys(id: string): Promise<ProviderKeyList> {
    return firstValueFrom(this.http.get<ProviderKeyList>(`${user(id)}/keys`));
  }

  apiKeys(id: string): Promise<GatewayKeyList> {
    return firstValueFrom(this.http.get<GatewayKeyList>(`${user(id)}/api-keys`));
  }

  revokeApiKey(id: string, keyId: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${user(id)}/api-keys/${encodeURIComponent(keyId)}`));
  }

  usageSummary(id: string, range: UsageRange): Promise<UsageSummary> {
    const params = new HttpParams().set('userId', id).set('from', range.from).set('to', range.to);
    return firstValueFrom(this.http.get<UsageSummary>('/api/v1/admin/usage/summary', { params }));
  }

  usageTimeseries(id: string, range: UsageRange): Promise<UsageTimeseries> {
    const params = new HttpParams()
      .set('userId', id)
      .set('from', range.from)
      .set('to', range.to)
      .set('bucket', 'day');
    return firstValueFrom(this.http.get<UsageTimeseries>('/api/v1/admin/usage/timeseries', { params }));
  }
}
