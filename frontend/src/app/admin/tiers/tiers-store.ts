import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import {
  TiersApi,
  type BillingPolicyChanges,
  type BillingPolicyVersion,
  type BillingPolicyView,
  type RateLimitsPatch,
  type RateLimitsVersion,
  type RateLimitsView,
  type TierPolicy,
  type TierPolicyVersion,
  type TierPolicyView,
} from './tiers-api';

/** Who changed a version and when, as every history entry has it. */
export interface PolicyChange {
  readonly version: number;
  /** Null for version 0, the product defaults. */
  readonly changedBy: string | null;
  readonly changedByName: string | null;
  readonly changedAt: string | null;
}

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly version: number }
  /** Someone else saved first: the section now shows their version (`version`). */
  | { readonly kind: 'conflict'; readonly version: number | null };

/** 412 (If-Match is stale) — and 409, in case a policy ever answers a concurrent change so. */
const isConflict = (e: unknown): boolean => e instanceof ApiError && (e.status === 412 || e.status === 409);

/**
 * One versioned policy: the version in force, its history (newest first), and saving with If-Match.
 * A save that loses a race reloads the section and reports the conflict instead of overwriting.
 */
export class PolicySection<V extends { readonly version: number }, E extends PolicyChange, B> {
  private readonly currentState = signal<V | null>(null);
  private readonly historyState = signal<readonly E[]>([]);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly savingState = signal(false);
  private readonly conflictState = signal<string | null>(null);

  readonly current = this.currentState.asReadonly();
  /** Newest first. */
  readonly history = this.historyState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly saving = this.savingState.asReadonly();
  /** Set when a save lost to someone else's change; cleared by the next save or load. */
  readonly conflict = this.conflictState.asReadonly();
  /** The history entry of the version in force (who made it and when; for version 0 nobody). */
  readonly lastChange = computed(() => {
    const version = this.currentState()?.version;
    return this.historyState().find((h) => h.version === version) ?? null;
  });

  constructor(
    /** What the UI calls it, e.g. "rate limits". */
    readonly label: string,
    private readonly fetch: () => Promise<V>,
    private readonly fetchHistory: () => Promise<{ readonly versions: readonly E[] }>,
    private readonly put: (body: B, version: number) => Promise<V>,
  ) {}

  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const [current, history] = await Promise.all([this.fetch(), this.fetchHistory()]);
      this.currentState.set(current);
      this.historyState.set([...history.versions].sort((a, b) => b.version - a.version));
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
  }

  /** Saves against the version shown (If-Match). Throws ApiError for anything but a conflict. */
  async save(body: B): Promise<SaveOutcome> {
    const shown = this.currentState();
    if (!shown) throw new ApiError(0, 'client_error', 'Nothing loaded yet', null, null);
    this.savingState.set(true);
    this.conflictState.set(null);
    try {
      const saved = await this.put(body, shown.version);
      this.currentState.set(saved);
      await this.reloadHistory();
      return { kind: 'saved', version: saved.version };
    } catch (e) {
      if (!isConflict(e)) throw e;
      await this.load();
      const now = this.currentState()?.version ?? null;
      this.conflictState.set(
        `Someone else changed the ${this.label} while you were editing` +
          (now === null ? '.' : ` (now version ${now}).`) +
          ' The form shows their version: make your change again and save.',
      );
      return { kind: 'conflict', version: now };
    } finally {
      this.savingState.set(false);
    }
  }

  private async reloadHistory(): Promise<void> {
    try {
      const history = await this.fetchHistory();
      this.historyState.set([...history.versions].sort((a, b) => b.version - a.version));
    } catch {
      // The save stands; the history catches up on the next load.
    }
  }
}

/** /admin/tiers: tier rules, rate limits per tier and the billing policy, each versioned. */
@Injectable()
export class TiersStore {
  private readonly api = inject(TiersApi);

  readonly tierRules = new PolicySection<TierPolicyView, TierPolicyVersion, TierPolicy>(
    'tier rules',
    () => this.api.tierPolicy(),
    () => this.api.tierPolicyHistory(),
    (tiers, version) => this.api.saveTierPolicy(tiers, version),
  );

  readonly rateLimits = new PolicySection<RateLimitsView, RateLimitsVersion, RateLimitsPatch>(
    'rate limits',
    () => this.api.rateLimits(),
    () => this.api.rateLimitsHistory(),
    (tiers, version) => this.api.saveRateLimits(tiers, version),
  );

  readonly billing = new PolicySection<BillingPolicyView, BillingPolicyVersion, BillingPolicyChanges>(
    'billing policy',
    () => this.api.billingPolicy(),
    () => this.api.billingPolicyHistory(),
    (changes, version) => this.api.saveBillingPolicy(changes, version),
  );

  async load(): Promise<void> {
    await Promise.all([this.tierRules.load(), this.rateLimits.load(), this.billing.load()]);
  }
}
