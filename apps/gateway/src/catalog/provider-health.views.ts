import {
  isHealthWindow,
  type HealthWindow,
  type ProviderHealthPoint,
  type ProviderHealthReport,
  type ProviderHealthSnapshot,
  type ProviderHealthSummary,
} from '@gw/routing';
import type { ProviderHealthChange } from '@gw/catalog';
import { ValidationError } from '@gw/shared-kernel';

/** GET /api/v1/admin/providers/health */
export type ProviderHealthReportView = ProviderHealthReport;

/**
 * GET /api/v1/admin/providers/:slug/health: this instance's breaker now and the degraded/recovered
 * timeline (as before), plus the read model's summary of the window and its chart series.
 */
export type ProviderHealthView = ProviderHealthSnapshot & {
  readonly timeline: readonly ProviderHealthChange[];
  readonly window: HealthWindow;
  readonly summary: ProviderHealthSummary;
  /** 1h: 60 one-minute buckets; 24h: 24 hourly; 7d: 168 hourly; oldest first. */
  readonly series: readonly ProviderHealthPoint[];
};

/** `?window=`: 1h, 24h (default) or 7d; anything else is a 400 HEALTH.WINDOW_INVALID. */
export function parseHealthWindow(value: unknown): HealthWindow {
  if (value === undefined) return '24h';
  if (isHealthWindow(value)) return value;
  throw new ValidationError('HEALTH.WINDOW_INVALID', 'window must be one of 1h, 24h, 7d', {
    param: 'window',
  });
}
