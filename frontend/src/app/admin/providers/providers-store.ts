import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import type { HealthWindow, ProviderHealthReport, ProviderHealthSummary } from './provider-health';
import {
  ProvidersApi,
  type ConnectionTest,
  type ProviderView,
  type RegisterProviderBody,
} from './providers-api';

/** One row of the providers page: the catalog's provider and its health over the window (if known). */
export interface ProviderRow {
  readonly provider: ProviderView;
  readonly health: ProviderHealthSummary | null;
}

const FAILURES: Readonly<Record<string, string>> = {
  auth: 'The provider refused the key',
  rate_limited: 'The provider is rate limiting',
  timeout: 'The provider did not answer in time',
  server: 'The provider failed',
  connection: 'The provider could not be reached',
  not_found: 'The provider does not serve its model listing at this address',
  bad_request: 'The provider refused the request',
};

/** A connection test's result in one sentence. */
export function describeTest(test: ConnectionTest): string {
  if (test.ok) {
    const missing = test.catalogModelsNotListed.length
      ? ` Not listed by the provider: ${test.catalogModelsNotListed.join(', ')}.`
      : '';
    return (
      `Connection works: HTTP ${test.status} in ${Math.round(test.latencyMs)} ms; ` +
      `the provider lists ${test.modelsListed} model${test.modelsListed === 1 ? '' : 's'}.${missing}`
    );
  }
  const status = test.error.status ? ` (HTTP ${test.error.status})` : '';
  const what = FAILURES[test.error.kind] ?? `The connection failed (${test.error.kind})`;
  return `${what}${status} after ${Math.round(test.latencyMs)} ms: ${test.error.message}`;
}

/** The providers page: every provider with its health over a window, and adding / enabling them. */
@Injectable()
export class ProvidersStore {
  private readonly api = inject(ProvidersApi);

  private readonly providerList = signal<readonly ProviderView[]>([]);
  private readonly report = signal<ProviderHealthReport | null>(null);
  private readonly windowState = signal<HealthWindow>('24h');
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly healthErrorState = signal<ApiError | null>(null);
  private readonly busySlugs = signal<ReadonlySet<string>>(new Set());

  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  /** The health report failed (the providers still show, without numbers). */
  readonly healthError = this.healthErrorState.asReadonly();
  readonly window = this.windowState.asReadonly();
  readonly busy = this.busySlugs.asReadonly();
  readonly healthRange = computed(() => {
    const r = this.report();
    return r ? { from: r.from, to: r.to } : null;
  });

  /** Providers with their health: the unhealthy first, then those serving requests, then by name. */
  readonly rows = computed<readonly ProviderRow[]>(() => {
    const health = new Map((this.report()?.providers ?? []).map((h) => [h.provider, h]));
    const rank = (row: ProviderRow): number =>
      row.health?.status === 'down' ? 0 : row.health?.status === 'degraded' ? 1 : 2;
    return this.providerList()
      .map((provider) => ({ provider, health: health.get(provider.slug) ?? null }))
      .sort(
        (a, b) =>
          rank(a) - rank(b) ||
          Number(b.provider.status === 'active') - Number(a.provider.status === 'active') ||
          a.provider.name.localeCompare(b.provider.name),
      );
  });

  readonly counts = computed(() => {
    const rows = this.rows();
    const count = (s: string) => rows.filter((r) => r.health?.status === s).length;
    return { healthy: count('healthy'), degraded: count('degraded'), down: count('down') };
  });

  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const [providers] = await Promise.all([this.api.list(), this.loadHealth()]);
      this.providerList.set(providers.data);
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
  }

  /** Shows the health over another window (the provider list stays). */
  async setWindow(window: HealthWindow): Promise<void> {
    this.windowState.set(window);
    await this.loadHealth();
  }

  /** Reloads the list and the health numbers without the loading state. */
  async refresh(): Promise<void> {
    try {
      const [providers] = await Promise.all([this.api.list(), this.loadHealth()]);
      this.providerList.set(providers.data);
      this.errorState.set(null);
    } catch (e) {
      this.errorState.set(asApiError(e));
    }
  }

  /** Registers a provider. Throws ApiError (400: a field; 409: the slug is taken). */
  async register(body: RegisterProviderBody): Promise<ProviderView> {
    const provider = await this.api.register(body);
    this.upsert(provider);
    return provider;
  }

  /** Enables or disables a provider. Throws ApiError. */
  async setEnabled(slug: string, enabled: boolean): Promise<ProviderView> {
    this.busySlugs.update((s) => new Set(s).add(slug));
    try {
      const provider = await this.api.change(slug, { enabled });
      this.upsert(provider);
      return provider;
    } finally {
      this.busySlugs.update((s) => {
        const next = new Set(s);
        next.delete(slug);
        return next;
      });
    }
  }

  private async loadHealth(): Promise<void> {
    const window = this.windowState();
    try {
      const report = await this.api.healthReport(window);
      if (window !== this.windowState()) return; // a later pick won
      this.report.set(report);
      this.healthErrorState.set(null);
    } catch (e) {
      if (window !== this.windowState()) return;
      this.report.set(null);
      this.healthErrorState.set(asApiError(e));
    }
  }

  private upsert(provider: ProviderView): void {
    this.providerList.update((list) =>
      list.some((p) => p.slug === provider.slug)
        ? list.map((p) => (p.slug === provider.slug ? provider : p))
        : [...list, provider],
    );
  }
}
