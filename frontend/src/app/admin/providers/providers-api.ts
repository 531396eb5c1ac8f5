import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';
import type { HealthWindow, ProviderHealthDetailView, ProviderHealthReport } from './provider-health';

/** A provider as admins see it (the platform key only masked). */
export type ProviderView = Schemas['ProviderView'];
export type ProviderViewList = Schemas['ProviderViewList'];
export type RegisterProviderBody = Schemas['RegisterProviderDto'];
/** PUT body: only the fields given change; `apiKey: null` removes the platform key. */
export type ChangeProviderBody = Schemas['ChangeProviderDto'];
/** POST /api/v1/admin/providers/:slug/test: reachability, key accepted, latency. */
export type ConnectionTest = Schemas['ConnectionTest'];
export type ProviderKind = RegisterProviderBody['kind'];
export type PaidParam = NonNullable<RegisterProviderBody['allowedPaidParams']>[number];

const BASE = '/api/v1/admin/providers';
const one = (slug: string): string => `${BASE}/${encodeURIComponent(slug)}`;

/** The admin's providers: /api/v1/admin/providers. Errors arrive as ApiError (interceptor). */
@Injectable({ providedIn: 'root' })
export class ProvidersApi {
  private readonly http = inject(HttpClient);

  list(): Promise<ProviderViewList> {
    return firstValueFrom(this.http.get<ProviderViewList>(BASE));
  }

  get(slug: string): Promise<ProviderView> {
    return firstValueFrom(this.http.get<ProviderView>(one(slug)));
  }

  register(body: RegisterProviderBody): Promise<ProviderView> {
    return firstValueFrom(this.http.post<ProviderView>(BASE, body));
  }

  change(slug: string, body: ChangeProviderBody): Promise<ProviderView> {
    return firstValueFrom(this.http.put<ProviderView>(one(slug), body));
  }

  /** A live call to the provider's model listing, with its platform key or `apiKey` (not stored). */
  test(slug: string, apiKey?: string): Promise<ConnectionTest> {
    return firstValueFrom(
      this.http.post<ConnectionTest>(`${one(slug)}/test`, apiKey === undefined ? {} : { apiKey }),
    );
  }

  /** Every provider's health over the window. */
  healthReport(window: HealthWindow): Promise<ProviderHealthReport> {
    return firstValueFrom(
      this.http.get<ProviderHealthReport>(`${BASE}/health`, {
        params: new HttpParams().set('window', window),
      }),
    );
  }

  /** One provider's breaker now, its summary and chart series over the window, and its timeline. */
  health(slug: string, window: HealthWindow): Promise<ProviderHealthDetailView> {
    return firstValueFrom(
      this.http.get<ProviderHealthDetailView>(`${one(slug)}/health`, {
        params: new HttpParams().set('window', window),
      }),
    );
  }
}
