import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import {
  ProviderKeysApi,
  type AddKeyBody,
  type CheckKeyBody,
  type KeyCheckView,
  type KeyProviderView,
  type KeyProvidersView,
  type KeyView,
} from './provider-keys-api';

/** The provider of custom OpenAI-compatible endpoints. */
export const CUSTOM_PROVIDER = 'custom';

/** One card on the page: a provider and the user's keys for it. */
export interface ProviderCard {
  readonly provider: KeyProviderView;
  readonly keys: readonly KeyView[];
  readonly connected: boolean;
  /** Whether another key may be added (the tier's keys per provider). */
  readonly canAdd: boolean;
}

/** The outcome of a live test of a stored key, as the page says it. */
export interface KeyTestOutcome {
  readonly ok: boolean;
  readonly message: string;
}

const FAILURES: Readonly<Record<string, string>> = {
  auth: 'The provider refused the key',
  rate_limited: 'The provider is rate limiting; the key was not judged',
  timeout: 'The provider did not answer in time; the key was not judged',
  server: 'The provider failed; the key was not judged',
  connection: 'The provider could not be reached',
  not_found: 'The provider does not serve this endpoint with this key',
  bad_request: 'The provider refused the request',
};

const failureText = (error: KeyCheckView['error']): string => {
  if (!error) return 'The connection failed.';
  const status = error.status ? ` (HTTP ${error.status})` : '';
  return `${FAILURES[error.kind] ?? `The connection failed (${error.kind})`}${status}.`;
};

/** What a live check says, in one sentence. */
export const describeCheck = (check: KeyCheckView): string =>
  check.ok
    ? `Connection works: the provider accepted the key in ${check.latencyMs} ms.`
    : failureText(check.error);

/** The provider-keys page's state: providers, keys, and the intents that change them. */
@Injectable()
export class ProviderKeysStore {
  private readonly api = inject(ProviderKeysApi);

  private readonly providerList = signal<readonly KeyProviderView[]>([]);
  private readonly keyList = signal<readonly KeyView[]>([]);
  private readonly allowance = signal<KeyProvidersView['byok'] | null>(null);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly busyKeys = signal<ReadonlySet<string>>(new Set());
  private readonly outcomes = signal<Readonly<Record<string, KeyTestOutcome>>>({});

  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly keys = this.keyList.asReadonly();
  readonly byok = this.allowance.asReadonly();
  readonly busy = this.busyKeys.asReadonly();
  /** The latest live test of each key, by key id (for the aria-live region of its row). */
  readonly testOutcomes = this.outcomes.asReadonly();

  /** One card per provider the user may add keys for, plus any provider the user still has keys for. */
  readonly cards = computed<readonly ProviderCard[]>(() => {
    const keys = this.keyList();
    const perProvider = this.allowance()?.keysPerProvider ?? 0;
    const listed = this.providerList();
    const orphans = [...new Set(keys.map((k) => k.provider))]
      .filter((slug) => !listed.some((p) => p.provider === slug))
      .map((slug): KeyProviderView => ({
        provider: slug,
        name: slug,
        kind: '',
        keyFormat: '',
        platformKey: false,
        keys: 0,
      }));
    return [...listed, ...orphans].map((provider) => {
      const mine = keys.filter((k) => k.provider === provider.provider);
      const known = listed.includes(provider);
      return {
        provider,
        keys: mine,
        connected: mine.some((k) => k.enabled && k.status !== 'invalid'),
        canAdd: known && (this.allowance()?.allowed ?? false) && mine.length < perProvider,
      };
    });
  });

  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const [providers, keys] = await Promise.all([this.api.providers(), this.api.list()]);
      this.providerList.set(providers.data);
      this.allowance.set(providers.byok);
      this.keyList.set(keys.data);
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
  }

  /** A live check of a key that is not saved yet. Throws ApiError (400: format, custom endpoint). */
  check(body: CheckKeyBody): Promise<KeyCheckView> {
    return this.api.check(body);
  }

  /** Saves a key (checked live by the gateway unless validate is false). Throws ApiError. */
  async add(body: AddKeyBody): Promise<KeyView> {
    const key = await this.api.add(body);
    this.upsert(key);
    return key;
  }

  /** Replaces a key's secret. Throws ApiError. */
  async rotate(id: string, apiKey: string): Promise<KeyView> {
    const key = await this.withBusy(id, () => this.api.rotate(id, { apiKey }));
    this.upsert(key);
    this.forgetOutcome(id);
    return key;
  }

  async setEnabled(id: string, enabled: boolean): Promise<KeyView> {
    const key = await this.withBusy(id, () => this.api.change(id, { enabled }));
    this.upsert(key);
    return key;
  }

  /** Tests a stored key with the provider; the outcome lands in testOutcomes (never throws for a refusal). */
  async test(id: string): Promise<KeyTestOutcome> {
    let outcome: KeyTestOutcome;
    try {
      const result = await this.withBusy(id, () => this.api.test(id));
      this.upsert(result.key);
      outcome = { ok: result.ok, message: describeCheck(result) };
    } catch (e) {
      outcome = { ok: false, message: `The test could not run: ${asApiError(e).describe()}` };
    }
    this.outcomes.update((all) => ({ ...all, [id]: outcome }));
    return outcome;
  }

  async remove(id: string): Promise<void> {
    await this.withBusy(id, () => this.api.remove(id));
    this.keyList.update((keys) => keys.filter((k) => k.id !== id));
    this.forgetOutcome(id);
  }

  private upsert(key: KeyView): void {
    this.keyList.update((keys) =>
      keys.some((k) => k.id === key.id) ? keys.map((k) => (k.id === key.id ? key : k)) : [...keys, key],
    );
  }

  private forgetOutcome(id: string): void {
    this.outcomes.update((all) => {
      const { [id]: _gone, ...rest } = all;
      return rest;
    });
  }

  private async withBusy<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.busyKeys.update((s) => new Set(s).add(id));
    try {
      return await work();
    } finally {
      this.busyKeys.update((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
    }
  }
}
