import type { Schemas } from '../../core/api/api';

/*
 * The provider-health read model's contract (GET /api/v1/admin/providers/health and
 * /api/v1/admin/providers/:slug/health?window=…), copied until the generated client has it.
 */
export type HealthWindow = '1h' | '24h' | '7d';
export type HealthStatus = 'healthy' | 'degraded' | 'down';

export interface LatencyPercentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface HealthStats {
  readonly requests: number;
  readonly successes: number;
  /** 0..1; null without attempts. */
  readonly successRate: number | null;
  readonly errors: {
    readonly rateLimited: number;
    readonly serverError: number;
    readonly timeout: number;
    readonly auth: number;
    readonly other: number;
  };
  readonly latencyMs: LatencyPercentiles;
  readonly ttftMs: LatencyPercentiles;
}

export interface CredentialHealthSummary extends HealthStats {
  readonly credential: 'platform' | 'byok';
}

export interface ProviderHealthSummary extends HealthStats {
  readonly provider: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly status: HealthStatus;
  /** Share of the window's minutes with a closed breaker, 0..1. */
  readonly uptime: number;
  readonly lastChange: {
    readonly kind: 'degraded' | 'recovered';
    readonly at: string;
    readonly reason: string;
  } | null;
  readonly credentials: readonly CredentialHealthSummary[];
}

export interface ProviderHealthReport {
  readonly window: HealthWindow;
  readonly from: string;
  readonly to: string;
  readonly providers: readonly ProviderHealthSummary[];
}

export interface ProviderHealthPoint {
  /** Bucket start, ISO. */
  readonly at: string;
  readonly requests: number;
  readonly failures: number;
  readonly latencyP95Ms: number | null;
  /** False when the breaker was open at any time in the bucket. */
  readonly healthy: boolean;
}

/** GET /api/v1/admin/providers/:slug/health?window=…: the breaker now, plus the window's read model. */
export type ProviderHealthDetailView = Omit<
  Schemas['ProviderHealthView'],
  'window' | 'summary' | 'series'
> & {
  readonly window?: HealthWindow;
  readonly summary?: ProviderHealthSummary;
  readonly series?: readonly ProviderHealthPoint[];
};

export type HealthChange = Schemas['ProviderHealthChange'];

export const HEALTH_WINDOWS: ReadonlyArray<{ readonly value: HealthWindow; readonly label: string }> = [
  { value: '1h', label: 'the last hour' },
  { value: '24h', label: 'the last 24 hours' },
  { value: '7d', label: 'the last 7 days' },
];

export const STATUS_TEXT: Readonly<Record<HealthStatus, string>> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  down: 'Down',
};

export const STATUS_ICON: Readonly<Record<HealthStatus, string>> = {
  healthy: 'check_circle',
  degraded: 'warning',
  down: 'error',
};

/** The catalog's word for whether a provider serves requests (ProviderView.status). */
export const SERVING_TEXT: Readonly<Record<Schemas['ProviderStatus'], string>> = {
  active: 'Serving',
  disabled: 'Disabled',
  needs_key: 'Needs a platform key',
  unreachable: 'Unreachable here',
};

export const KIND_TEXT: Readonly<Partial<Record<string, string>>> = {
  'openai-compatible': 'OpenAI-compatible',
  anthropic: 'Anthropic',
  gemini: 'Gemini',
  cohere: 'Cohere',
};
export const KINDS = ['openai-compatible', 'anthropic', 'gemini', 'cohere'] as const;

/** Charge-changing request features a provider may receive (PAID_PARAMS), as the form names them. */
export const PAID_PARAMS = [
  { value: 'service_tier', label: 'Service tier (priority/flex)' },
  { value: 'store', label: 'Stored completions (store)' },
  { value: 'web_search_options', label: 'Web search' },
  { value: 'audio', label: 'Audio output' },
  { value: 'prediction', label: 'Predicted outputs' },
] as const;

export const ERROR_KINDS = [
  { key: 'rateLimited', label: 'Rate limited (429)' },
  { key: 'serverError', label: 'Server error (5xx)' },
  { key: 'timeout', label: 'Timeout' },
  { key: 'auth', label: 'Refused key (401/403)' },
  { key: 'other', label: 'Other' },
] as const;

const COUNT = new Intl.NumberFormat('en');
const PERCENT = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });

export const formatCount = (n: number): string => COUNT.format(n);
/** 0..1 as a percentage; a dash for no value. */
export const formatRate = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : PERCENT.format(rate);
export const formatMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '—' : `${COUNT.format(Math.round(ms))} ms`;
export const totalErrors = (stats: HealthStats): number =>
  Object.values(stats.errors).reduce((a, b) => a + b, 0);
