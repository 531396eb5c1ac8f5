import type { UsageByKey } from '@gw/usage-billing';

/** GET /api/v1/me/usage/forecast: money as integer micro-dollar strings, times ISO 8601 (UTC). */
export interface UsageForecastView {
  readonly monthStart: string;
  /** Exclusive: the first instant of the next month. */
  readonly monthEnd: string;
  /** This month's spend: the figure the monthly cap is checked against. */
  readonly monthToDateMicros: string;
  /** Month to date plus the recent daily rate over the rest of the month. */
  readonly forecastMonthEndMicros: string;
  readonly capMicros: string | null;
  readonly capMode: 'soft' | 'hard' | null;
  readonly projectedOverCap: boolean;
  /** What was charged over the last 7 days, per day: the rate the forecast uses. */
  readonly dailyRateMicros: string;
  /** The window that rate was measured over. */
  readonly rateWindow: { readonly from: string; readonly to: string };
  readonly balanceMicros: string;
  /** Balance ÷ daily rate, one decimal; null when the rate is 0. */
  readonly daysOfCreditLeft: number | null;
}

/** One gateway key's share of the caller's usage in a range. */
export interface UsageByKeyRow {
  /** The gateway key; null for requests made while signed in (an access token, not a key). */
  readonly apiKeyId: string | null;
  /** The key's name; "Signed-in session" for requests made with an access token. */
  readonly label: string | null;
  readonly masked: string | null;
  /** The key has since been revoked. */
  readonly revoked: boolean;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** What the caller was charged for them. */
  readonly costMicros: string;
  readonly shareOfRequests: number;
  readonly shareOfCharge: number;
}

/** GET /api/v1/me/usage/by-key: most charged first. */
export interface UsageByKeyView {
  readonly from: string;
  readonly to: string;
  readonly rows: readonly UsageByKeyRow[];
}

/** What a row says about a gateway key of the caller's (undefined: not theirs, or unknown here). */
export type GatewayKeyLookup = (
  keyId: string,
) => { readonly name: string; readonly maskedKey: string; readonly revoked: boolean } | undefined;

export const SESSION_LABEL = 'Signed-in session';
export const UNKNOWN_KEY_LABEL = 'Not recorded (before usage by key)';

/** The query's rows named by the caller's keys: key name and masked key, or what a null key id means. */
export const toUsageByKeyView = (result: UsageByKey, keyOf: GatewayKeyLookup): UsageByKeyView => ({
  from: result.from,
  to: result.to,
  rows: result.data.map((r): UsageByKeyRow => {
    const key = r.apiKeyId === null ? undefined : keyOf(r.apiKeyId);
    return {
      apiKeyId: r.apiKeyId,
      label:
        r.kind === 'session' ? SESSION_LABEL : r.kind === 'unknown' ? UNKNOWN_KEY_LABEL : (key?.name ?? null),
      masked: key?.maskedKey ?? null,
      revoked: key?.revoked ?? false,
      requests: r.requests,
      promptTokens: r.promptTokens,
      completionTokens: r.completionTokens,
      costMicros: r.chargedMicros,
      shareOfRequests: r.shareOfRequests,
      shareOfCharge: r.shareOfCharge,
    };
  }),
});
