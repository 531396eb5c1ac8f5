import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';

// until generated: CreditsView (apps/gateway/src/billing/credits.controller.ts)
export interface CreditsView {
  readonly balanceMicros: string;
  readonly reservedMicros: string;
  readonly availableMicros: string;
  readonly monthSpendMicros: string;
  readonly monthlyCapMicros: string | null;
  readonly capMode: 'soft' | 'hard';
  /** What is available, in whole credits (rounded down). */
  readonly credits: number;
}

// until generated: LedgerEntryView (apps/gateway/src/billing/credits.controller.ts)
export interface LedgerEntryView {
  readonly id: string;
  readonly at: string;
  readonly kind: 'admin' | 'promotion' | 'purchase' | 'charge';
  /** Signed: grants add, charges take away. */
  readonly amountMicros: string;
  readonly reference: string;
  readonly description: string;
  /** Charges: the request they belong to. */
  readonly explanationUrl: string | null;
}

// until generated: LedgerPage (apps/gateway/src/billing/credits.controller.ts)
export interface LedgerPage {
  readonly data: readonly LedgerEntryView[];
  readonly nextCursor: string | null;
}

// until generated: CheckoutView (apps/gateway/src/billing/credits.controller.ts)
export interface CheckoutView {
  readonly purchaseId: string;
  readonly packageId: string;
  readonly priceMicros: string;
  readonly credits: number;
  readonly amountMicros: string;
  readonly status: 'pending';
  readonly checkoutUrl: string;
}

// until generated: CreditPackageView (apps/gateway/src/billing/credit-packages.controller.ts)
export interface CreditPackageView {
  readonly id: string;
  readonly priceMicros: string;
  readonly credits: number;
  readonly amountMicros: string;
}

// until generated: CreditPackagesView (apps/gateway/src/billing/credit-packages.controller.ts)
export interface CreditPackagesView {
  readonly packages: readonly CreditPackageView[];
}

// until generated: UsageForecastView (apps/gateway/src/usage-analytics/usage-portal.views.ts)
export interface UsageForecastView {
  readonly monthStart: string;
  readonly monthEnd: string;
  readonly monthToDateMicros: string;
  readonly forecastMonthEndMicros: string;
  readonly capMicros: string | null;
  readonly capMode: 'soft' | 'hard' | null;
  readonly projectedOverCap: boolean;
  readonly dailyRateMicros: string;
  readonly rateWindow: { readonly from: string; readonly to: string };
  readonly balanceMicros: string;
  /** Balance ÷ daily rate, one decimal; null when the rate is 0. */
  readonly daysOfCreditLeft: number | null;
}

// until generated: SettingsView (apps/gateway/src/accounts/accounts.views.ts), the part this page uses
export interface AlertSettings {
  readonly lowBalanceAlertMicros: string | null;
}

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
