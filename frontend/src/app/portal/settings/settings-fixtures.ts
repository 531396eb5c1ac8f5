import type { SettingsEstimateView, SettingsView } from './settings-api';

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
