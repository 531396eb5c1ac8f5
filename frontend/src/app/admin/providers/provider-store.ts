import { computed, inject, Injectable, signal } from '@angular/core';
import type { ApiError } from '../../core/http/api-error';
import type { HealthWindow, ProviderHealthDetailView } from './provider-health';
import {
  ProvidersApi,
  type ChangeProviderBody,
  type ConnectionTest,
  type ProviderView,
} from './providers-api';
import { describeTest } from './providers-store';
import { asApiError } from '../../core/http/api-error';

/** What "Test connection" said, as the page shows it. */
export interface TestOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly latencyMs: number | null;
}

export const outcomeOf = (test: ConnectionTest): TestOutcome => ({
  ok: test.ok,
  message: describeTest(test),
  latencyMs: test.latencyMs,
});

/** One provider's page: its settings, platform key, connection test and health over a window. */
@Injectable()
export class ProviderStore {
  private readonly api = inject(ProvidersApi);

  private readonly slugState = signal<string | null>(null);
  private readonly providerState = signal<ProviderView | null>(null);
  private readonly healthState = signal<ProviderHealthDetailView | null>(null);
  private readonly windowState = signal<HealthWindow>('24h');
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly healthErrorState = signal<ApiError | null>(null);
  private readonly testingState = signal(false);
  private readonly outcomeState = signal<TestOutcome | null>(null);

  readonly provider = this.providerState.asReadonly();
  readonly health = this.healthState.asReadonly();
  readonly window = this.windowState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly healthError = this.healthErrorState.asReadonly();
  readonly testing = this.testingState.asReadonly();
  /** The latest "Test connection" result (cleared when the address or key changes). */
  readonly testOutcome = this.outcomeState.asReadonly();

  readonly summary = computed(() => this.healthState()?.summary ?? null);
  readonly series = computed(() => this.healthState()?.series ?? []);
  /** Degraded / recovered changes, newest first. */
  readonly timeline = computed(() =>
    [...(this.healthState()?.timeline ?? [])].sort((a, b) => b.at.localeCompare(a.at)),
  );

  async load(slug: string): Promise<void> {
    this.slugState.set(slug);
    this.loadingState.set(true);
    this.errorState.set(null);
    this.outcomeState.set(null);
    try {
      const [provider] = await Promise.all([this.api.get(slug), this.loadHealth()]);
      if (slug !== this.slugState()) return;
      this.providerState.set(provider);
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
  }

  async setWindow(window: HealthWindow): Promise<void> {
    this.windowState.set(window);
    await this.loadHealth();
  }

  /** Reloads the health numbers (and the breaker's state). */
  refreshHealth(): Promise<void> {
    return this.loadHealth();
  }

  /** Changes settings (only the fields given). Throws ApiError. */
  async save(changes: ChangeProviderBody): Promise<ProviderView> {
    const provider = await this.api.change(this.requireSlug(), changes);
    this.providerState.set(provider);
    if (changes.baseUrl !== undefined || changes.kind !== undefined) this.outcomeState.set(null);
    return provider;
  }

  /** Replaces (or sets) the platform key. Throws ApiError. */
  replaceKey(apiKey: string): Promise<ProviderView> {
    return this.changeKey(apiKey);
  }

  /** Removes the platform key. Throws ApiError. */
  removeKey(): Promise<ProviderView> {
    return this.changeKey(null);
  }

  /** Tries a key without storing it (for the replace dialog). Throws ApiError (409: no key…). */
  tryKey(apiKey: string): Promise<ConnectionTest> {
    return this.api.test(this.requireSlug(), apiKey);
  }

  /** Tests the provider with its platform key; the result lands in testOutcome (never throws). */
  async test(): Promise<TestOutcome> {
    this.testingState.set(true);
    this.outcomeState.set(null);
    let outcome: TestOutcome;
    try {
      outcome = outcomeOf(await this.api.test(this.requireSlug()));
    } catch (e) {
      outcome = {
        ok: false,
        message: `The test could not run: ${asApiError(e).describe()}`,
        latencyMs: null,
      };
    } finally {
      this.testingState.set(false);
    }
    this.outcomeState.set(outcome);
    return outcome;
  }

  private async changeKey(apiKey: string | null): Promise<ProviderView> {
    const provider = await this.api.change(this.requireSlug(), { apiKey });
    this.providerState.set(provider);
    this.outcomeState.set(null);
    return provider;
  }

  private async loadHealth(): Promise<void> {
    const slug = this.slugState();
    const window = this.windowState();
    if (!slug) return;
    try {
      const health = await this.api.health(slug, window);
      if (slug !== this.slugState() || window !== this.windowState()) return;
      this.healthState.set(health);
      this.healthErrorState.set(null);
    } catch (e) {
      if (slug !== this.slugState() || window !== this.windowState()) return;
      this.healthState.set(null);
      this.healthErrorState.set(asApiError(e));
    }
  }

  private requireSlug(): string {
    const slug = this.slugState();
    if (!slug) throw new Error('ProviderStore: load(slug) first');
    return slug;
  }
}
