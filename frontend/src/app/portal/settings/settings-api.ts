import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { PowerLevel, Schemas } from '../../core/api/api';

export type SettingsView = Schemas['SettingsView'];
export type CapMode = SettingsView['capMode'];
/** What this page edits (the low-balance alert is set on /app/credits). */
export type EditableSettings = Omit<SettingsView, 'lowBalanceAlertMicros'>;
/** PUT /api/v1/me/settings: only the fields given change; a null cap removes the cap. */
export type UpdateSettings = Partial<SettingsView>;
export type PowerLevelEstimate = Schemas['PowerLevelEstimate'];
export type SettingsEstimateView = Schemas['SettingsEstimateView'];
export type MyWhatIfView = Schemas['MyWhatIfView'];

/** GET/PUT /api/v1/me/settings, the live estimate per power level and the last 30 days replayed at another. */
@Injectable()
export class SettingsApi {
  private readonly http = inject(HttpClient);

  settings(): Promise<SettingsView> {
    return firstValueFrom(this.http.get<SettingsView>('/api/v1/me/settings'));
  }

  update(changes: UpdateSettings): Promise<SettingsView> {
    return firstValueFrom(this.http.put<SettingsView>('/api/v1/me/settings', changes));
  }

  /** The caller's requests of the last `days` days replayed at `powerLevel`: what they would have cost. */
  whatIf(powerLevel: PowerLevel, days = 30): Promise<MyWhatIfView> {
    return firstValueFrom(
      this.http.get<MyWhatIfView>('/api/v1/me/what-if', { params: { powerLevel, days } }),
    );
  }

  estimate(): Promise<SettingsEstimateView> {
    return firstValueFrom(this.http.get<SettingsEstimateView>('/api/v1/me/settings/estimate'));
  }
}
