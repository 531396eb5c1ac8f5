import type { MyWhatIfView, SettingsEstimateView, SettingsView } from './settings-api';

/** Test data for the settings specs. */
export const SETTINGS: SettingsView = {
  powerLevel: 'balanced',
  monthlyCapMicros: null,
  capMode: 'soft',
  byokOnly: false,
  lowBalanceAlertMicros: null,
};

export const ESTIMATE: SettingsEstimateView = {
  typicalRequest: { promptTokens: 1000, completionTokens: 500 },
  levels: [
    {
      powerLevel: 'eco',
      model: 'swift/mini',
      provider: 'swift',
      estimatedCostMicros: '450',
      providerCostMicros: '300',
      keySource: 'platform',
      reason: null,
    },
    {
      powerLevel: 'balanced',
      model: 'sage/medium',
      provider: 'sage',
      estimatedCostMicros: '21000',
      providerCostMicros: '1400',
      keySource: 'platform',
      reason: null,
    },
    {
      powerLevel: 'precision',
      model: null,
      provider: null,
      estimatedCostMicros: null,
      providerCostMicros: null,
      keySource: null,
      reason: 'the precision power level needs the professional tier',
    },
  ],
};

/** GET /api/v1/me/what-if?powerLevel=<level>: 12 requests charged $0.12 that would have cost $0.045. */
export const pastAt = (powerLevel: MyWhatIfView['powerLevel']): MyWhatIfView => ({
  powerLevel,
  days: 30,
  requests: 12,
  actualChargeMicros: '120000',
  wouldChargeMicros: '45000',
  currentPowerLevel: 'balanced',
});

/** Matches the what-if request of one level. */
export const isPastAt =
  (level: string) =>
  (r: { url: string; params: { get(name: string): string | null } }): boolean =>
    r.url === '/api/v1/me/what-if' && r.params.get('powerLevel') === level && r.params.get('days') === '30';
