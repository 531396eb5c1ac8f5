import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { PowerLevel } from '../../core/api/api';

// until generated: CapMode (libs/accounts)
export type CapMode = 'soft' | 'hard';

// until generated: SettingsView (apps/gateway/src/accounts/accounts.views.ts)
export interface SettingsView {
  readonly powerLevel: PowerLevel;
  /** Integer micro-dollars as a string; null: no cap. */
  readonly monthlyCapMicros: string | null;
  readonly capMode: CapMode;
  readonly byokOnly: boolean;
}

// until generated: UpdateSettingsDto (apps/gateway/src/accounts/accounts.dto.ts) — only the fields given change
export interface UpdateSettings {
  readonly powerLevel?: PowerLevel;
  readonly monthlyCapMicros?: string | null;
  readonly capMode?: CapMode;
  readonly byokOnly?: boolean;
}

// until generated: PowerLevelEstimate (apps/gateway/src/settings-estimate/settings-estimate.views.ts)
export interface PowerLevelEstimate {
  readonly powerLevel: PowerLevel;
  readonly model: string | null;
  readonly provider: string | null;
  readonly estimatedCostMicros: string | null;
  readonly providerCostMicros: string | null;
  readonly keySource: 'platform' | 'byok' | null;
  readonly reason: string | null;
}

// until generated: SettingsEstimateView (apps/gateway/src/settings-estimate/settings-estimate.views.ts)
export interface SettingsEstimateView {
  readonly typicalRequest: { readonly promptTokens: number; readonly completionTokens: number };
  readonly levels: readonly PowerLevelEstimate[];
}

/** GET/PUT /api/v1/me/settings and the live estimate per power level. */
@Injectable()
export class SettingsApi {
  private readonly http = inject(HttpClient);

  settings(): Promise<SettingsView> {
    return firstValueFrom(this.http.get<SettingsView>('/api/v1/me/settings'));
  }

  update(changes: UpdateSettings): Promise<SettingsView> {
    return firstValueFrom(this.http.put<SettingsView>('/api/v1/me/settings', changes));
  }

  estimate(): Promise<SettingsEstimateView> {
    return firstValueFrom(this.http.get<SettingsEstimateView>('/api/v1/me/settings/estimate'));
  }
}
