import type { PowerLevel } from '@gw/shared-kernel';

/** What routing would pick first at one power level for a typical request, and its price. */
export interface PowerLevelEstimate {
  readonly powerLevel: PowerLevel;
  /** The model id routing would try first; null when nothing is routable (see `reason`). */
  readonly model: string | null;
  readonly provider: string | null;
  /** What the caller would be charged, integer micro-dollars as a string; null when nothing is routable. */
  readonly estimatedCostMicros: string | null;
  /** What the provider would charge the platform (before multiplier and markup); null likewise. */
  readonly providerCostMicros: string | null;
  /** Whose key would pay: the platform's, or the caller's own (BYOK fee); null likewise. */
  readonly keySource: 'platform' | 'byok' | null;
  /** Why there is no model (the tier does not include the level, nothing fits); null when there is. */
  readonly reason: string | null;
}

/** GET /api/v1/me/settings/estimate. */
export interface SettingsEstimateView {
  readonly typicalRequest: { readonly promptTokens: number; readonly completionTokens: number };
  readonly levels: readonly PowerLevelEstimate[];
}
