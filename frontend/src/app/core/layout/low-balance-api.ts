import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';

// until generated: CreditsView (apps/gateway/src/billing/credits.controller.ts), the part the banner reads
export interface BalanceOnly {
  readonly balanceMicros: string;
}

// until generated: SettingsView (apps/gateway/src/accounts/accounts.views.ts), the part the banner reads
export interface AlertOnly {
  readonly lowBalanceAlertMicros: string | null;
}

/** What the low-balance banner reads: the balance and the user's alert threshold. */
@Injectable({ providedIn: 'root' })
export class LowBalanceApi {
  private readonly http = inject(HttpClient);

  balance(): Promise<BalanceOnly> {
    return firstValueFrom(this.http.get<BalanceOnly>('/api/v1/me/credits'));
  }

  alert(): Promise<AlertOnly> {
    return firstValueFrom(this.http.get<AlertOnly>('/api/v1/me/settings'));
  }
}
