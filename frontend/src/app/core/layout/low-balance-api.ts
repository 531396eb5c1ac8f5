import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../api/api';

/** The parts of GET /api/v1/me/credits and /api/v1/me/settings the banner reads. */
export type BalanceOnly = Pick<Schemas['CreditsView'], 'balanceMicros'>;
export type AlertOnly = Pick<Schemas['SettingsView'], 'lowBalanceAlertMicros'>;

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
