import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

export type CreditsView = Schemas['CreditsView'];
export type LedgerEntryView = Schemas['LedgerEntryView'];
export type LedgerPage = Schemas['LedgerPage'];
export type CheckoutView = Schemas['CheckoutView'];
export type CreditPackageView = Schemas['CreditPackageView'];
export type CreditPackagesView = Schemas['CreditPackagesView'];
export type UsageForecastView = Schemas['UsageForecastView'];
/** The part of the settings this page reads and writes. */
export type AlertSettings = Pick<Schemas['SettingsView'], 'lowBalanceAlertMicros'>;

/** The caller's credits, the month's forecast, the packages on sale, buying one, and the low-balance alert. */
@Injectable()
export class CreditsApi {
  private readonly http = inject(HttpClient);

  credits(): Promise<CreditsView> {
    return firstValueFrom(this.http.get<CreditsView>('/api/v1/me/credits'));
  }

  forecast(): Promise<UsageForecastView> {
    return firstValueFrom(this.http.get<UsageForecastView>('/api/v1/me/usage/forecast'));
  }

  packages(): Promise<CreditPackagesView> {
    return firstValueFrom(this.http.get<CreditPackagesView>('/api/v1/me/credits/packages'));
  }

  /** Newest first; `before` is the previous page's nextCursor. */
  ledger(before: string | null, limit: number): Promise<LedgerPage> {
    let params = new HttpParams().set('limit', limit);
    if (before !== null) params = params.set('before', before);
    return firstValueFrom(this.http.get<LedgerPage>('/api/v1/me/credits/ledger', { params }));
  }

  checkout(packageId: string): Promise<CheckoutView> {
    return firstValueFrom(this.http.post<CheckoutView>('/api/v1/me/credits/checkout', { packageId }));
  }

  settings(): Promise<AlertSettings> {
    return firstValueFrom(this.http.get<AlertSettings>('/api/v1/me/settings'));
  }

  /** Only this field changes (the others are left out of the PUT). */
  setLowBalanceAlert(lowBalanceAlertMicros: string | null): Promise<AlertSettings> {
    return firstValueFrom(this.http.put<AlertSettings>('/api/v1/me/settings', { lowBalanceAlertMicros }));
  }
}
