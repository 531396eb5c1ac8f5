import type { Schemas } from '../../core/api/api';

/** The provider-health read model (GET /api/v1/admin/providers/health and /:slug/health?window=…). */
export type HealthWindow = Schemas['HealthWindow'];
export type HealthStatus = Schemas['ProviderHealthStatus'];
export type CredentialHealthSummary = Schemas['CredentialHealthSummary'];
export type HealthStats = Omit<CredentialHealthSummary, 'credential'>;
export type ProviderHealthSummary = Schemas['ProviderHealthSummary'];
export type ProviderHealthReport = Schemas['ProviderHealthReport'];
export type ProviderHealthPoint = Schemas['ProviderHealthPoint'];
/** GET /api/v1/admin/providers/:slug/health?window=…: the breaker now, plus the window's read model. */
export type ProviderHealthDetailView = Schemas['ProviderHealthView'];

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
  active: 'Active',
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
