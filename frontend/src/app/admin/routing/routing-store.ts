import { computed, inject, Injectable, signal, type OnDestroy } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import {
  RoutingApi,
  type FallbackReason,
  type LevelPolicyView,
  type LoadedPolicy,
  type ProviderRateLimit,
  type RoutingPolicyVersion,
  type RoutingPreviewView,
  type RoutingStrategy,
  type Tier,
} from './routing-api';
import {
  bodyOf,
  draftOf,
  FALLBACK_REASONS,
  previewBodyOf,
  rebalance,
  sameDraft,
  STRATEGY_PRESETS,
  type Draft,
  type Level,
  type WeightKey,
} from './routing-draft';
import { modelsOf } from './routing-checks';

/** A copy of `r` with `key` set (kept in place when present, else last), or removed when `value` is null. */
function withKey<T>(r: Readonly<Record<string, T>>, key: string, value: T | null): Record<string, T> {
  const next = { ...r };
  if (value === null) delete next[key];
  else next[key] = value;
  return next;
}

/** 412 (a stale If-Match), or 409 should the gateway ever answer a concurrent change so. */
const isConflict = (e: unknown): boolean => e instanceof ApiError && (e.status === 412 || e.status === 409);

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly version: number }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'conflict'; readonly version: number | null }
  | { readonly kind: 'failed'; readonly error: ApiError };

/**
 * /admin/routing's state: the saved policy and its ETag, the draft being edited, a preview of the
 * draft (re-queried `previewDelayMs` after the last edit; an older answer never replaces a newer one),
 * the version history, and saving with If-Match (a lost race is reported, never overwritten).
 */
@Injectable()
export class RoutingStore implements OnDestroy {
  private readonly api = inject(RoutingApi);

  /** How long the preview waits after an edit before it asks again. */
  previewDelayMs = 300;

  private readonly savedState = signal<LoadedPolicy | null>(null);
  private readonly draftState = signal<Draft | null>(null);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly previewState = signal<RoutingPreviewView | null>(null);
  private readonly previewLoadingState = signal(false);
  private readonly previewErrorState = signal<ApiError | null>(null);
  private readonly tierState = signal<Tier>('enterprise');
  private readonly historyState = signal<readonly RoutingPolicyVersion[]>([]);
  private readonly historyErrorState = signal<ApiError | null>(null);
  private readonly savingState = signal(false);
  private readonly conflictState = signal<{ readonly version: number | null } | null>(null);

  readonly saved = computed(() => this.savedState()?.policy ?? null);
  readonly draft = this.draftState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly preview = this.previewState.asReadonly();
  readonly previewLoading = this.previewLoadingState.asReadonly();
  readonly previewError = this.previewErrorState.asReadonly();
  readonly tier = this.tierState.asReadonly();
  /** Newest first. */
  readonly history = this.historyState.asReadonly();
  readonly historyError = this.historyErrorState.asReadonly();
  readonly saving = this.savingState.asReadonly();
  /** Set when a save lost to someone else's change (`version`: theirs, when known). */
  readonly conflict = this.conflictState.asReadonly();
  /** The draft differs from the saved policy. */
  readonly dirty = computed(() => {
    const saved = this.savedState();
    const draft = this.draftState();
    return saved !== null && draft !== null && !sameDraft(draftOf(saved.policy), draft);
  });
  /** Provider slugs of the current catalog (from the preview), for the preferred-providers choice. */
  readonly providers = computed(() => {
    const slugs = new Set<string>();
    for (const level of this.previewState()?.levels ?? [])
      for (const r of [level.draft, level.saved]) {
        for (const c of r.candidates) slugs.add(c.provider);
        for (const e of r.excluded) slugs.add(e.provider);
      }
    for (const level of Object.values(this.draftState()?.levels ?? {}))
      for (const p of level.preferredProviders) slugs.add(p);
    return [...slugs].sort();
  });

  /** The catalog's models (from the preview), for the chain, use-case and balancing editors. */
  readonly models = computed(() => modelsOf(this.previewState()));

  private timer: ReturnType<typeof setTimeout> | undefined;
  private previewSeq = 0;

  ngOnDestroy(): void {
    clearTimeout(this.timer);
  }

  /** Loads the policy, starts a draft from it (discarding any edits), the history and the preview. */
  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const loaded = await this.api.policy();
      this.savedState.set(loaded);
      this.draftState.set(draftOf(loaded.policy));
      this.conflictState.set(null);
    } catch (e) {
      this.errorState.set(asApiError(e));
      return;
    } finally {
      this.loadingState.set(false);
    }
    await Promise.all([this.loadHistory(), this.refreshPreview()]);
  }

  async loadHistory(): Promise<void> {
    this.historyErrorState.set(null);
    try {
      const versions = await this.api.history();
      this.historyState.set([...versions].sort((a, b) => b.version - a.version));
    } catch (e) {
      this.historyErrorState.set(asApiError(e));
    }
  }

  /** Back to the saved policy. */
  discard(): void {
    const saved = this.savedState();
    if (!saved) return;
    this.update(() => draftOf(saved.policy));
  }

  setTier(tier: Tier): void {
    this.tierState.set(tier);
    this.schedulePreview();
  }

  setStrategy(level: Level, strategy: RoutingStrategy): void {
    this.updateLevel(level, (l) => ({
      ...l,
      strategy,
      weights: strategy === 'custom' ? l.weights : { ...STRATEGY_PRESETS[strategy] },
    }));
  }

  /** Moves one weight; the other two are rescaled so the three sum to 1, and the level becomes custom. */
  setWeight(level: Level, key: WeightKey, value: number): void {
    this.updateLevel(level, (l) => ({ ...l, strategy: 'custom', weights: rebalance(l.weights, key, value) }));
  }

  setMaxPrice(level: Level, micros: bigint): void {
    this.updateLevel(level, (l) => ({ ...l, maxPricePer1kMicros: micros.toString() }));
  }

  setLatencyBound(level: Level, ms: number): void {
    this.updateLevel(level, (l) => ({ ...l, latencyBoundMs: ms }));
  }

  setPreferredProviders(level: Level, providers: readonly string[]): void {
    this.updateLevel(level, (l) => ({ ...l, preferredProviders: [...providers] }));
  }

  setLatencyCap(level: Level, ms: number): void {
    this.updateLevel(level, (l) => ({ ...l, latencyCapMs: ms }));
  }

  /** The level's explicit fallback order (model ids); empty: the score order. */
  setChain(level: Level, chain: readonly string[]): void {
    this.updateLevel(level, (l) => ({ ...l, chain: [...chain] }));
  }

  setPreferenceBonus(bonus: number): void {
    this.update((d) => ({ ...d, preferenceBonus: bonus }));
  }

  setRequestDeadline(ms: number): void {
    this.update((d) => ({ ...d, requestDeadlineMs: ms }));
  }

  /** Adds a use case (at the end) or replaces its chain; null removes it. */
  setUseCase(name: string, chain: readonly string[] | null): void {
    this.update((d) => ({ ...d, useCases: withKey(d.useCases, name, chain && [...chain]) }));
  }

  setBalancing(change: { readonly enabled?: boolean; readonly bandPercent?: number }): void {
    this.update((d) => ({ ...d, balancing: { ...d.balancing, ...change } }));
  }

  /** A model's or provider's share in the balancing draw; null removes it (weight 1). */
  setBalancingWeight(key: string, weight: number | null): void {
    this.update((d) => ({
      ...d,
      balancing: { ...d.balancing, weights: withKey(d.balancing.weights, key, weight) },
    }));
  }

  /** A provider's upstream rate limit; null removes it. */
  setProviderLimit(provider: string, limit: ProviderRateLimit | null): void {
    this.update((d) => ({ ...d, providerLimits: withKey(d.providerLimits, provider, limit) }));
  }

  setMaxAttempts(n: number): void {
    this.update((d) => ({ ...d, maxAttempts: n }));
  }

  setAttemptTimeout(ms: number): void {
    this.update((d) => ({ ...d, attemptTimeoutMs: ms }));
  }

  setFallback(reason: FallbackReason, on: boolean): void {
    this.update((d) => ({
      ...d,
      fallbackOn: FALLBACK_REASONS.filter((r) => (r === reason ? on : d.fallbackOn.includes(r))),
    }));
  }

  /** Saves the draft with If-Match = the loaded ETag. */
  async save(): Promise<SaveOutcome> {
    const saved = this.savedState();
    const draft = this.draftState();
    if (!saved || !draft || this.savingState()) return { kind: 'unchanged' };
    if (!this.dirty()) return { kind: 'unchanged' };
    this.savingState.set(true);
    this.conflictState.set(null);
    try {
      const next = await this.api.save(bodyOf(draft), saved.etag);
      this.savedState.set(next);
      this.draftState.set(draftOf(next.policy));
      void this.loadHistory();
      this.schedulePreview();
      return { kind: 'saved', version: next.policy.version };
    } catch (e) {
      if (!isConflict(e)) return { kind: 'failed', error: asApiError(e) };
      let version: number | null = null;
      try {
        version = (await this.api.policy()).policy.version;
      } catch {
        // The conflict stands; its version is unknown.
      }
      this.conflictState.set({ version });
      return { kind: 'conflict', version };
    } finally {
      this.savingState.set(false);
    }
  }

  /** Asks for the preview of the draft now (the page's edits go through schedulePreview). */
  async refreshPreview(): Promise<void> {
    clearTimeout(this.timer);
    const draft = this.draftState();
    if (!draft) return;
    const seq = ++this.previewSeq;
    this.previewLoadingState.set(true);
    try {
      const preview = await this.api.preview(previewBodyOf(draft), this.tierState());
      if (seq !== this.previewSeq) return;
      this.previewState.set(preview);
      this.previewErrorState.set(null);
    } catch (e) {
      if (seq !== this.previewSeq) return;
      this.previewErrorState.set(asApiError(e));
    } finally {
      if (seq === this.previewSeq) this.previewLoadingState.set(false);
    }
  }

  private schedulePreview(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshPreview(), this.previewDelayMs);
  }

  private update(change: (d: Draft) => Draft): void {
    const draft = this.draftState();
    if (!draft) return;
    this.draftState.set(change(draft));
    this.schedulePreview();
  }

  private updateLevel(level: Level, change: (l: LevelPolicyView) => LevelPolicyView): void {
    this.update((d) => ({ ...d, levels: { ...d.levels, [level]: change(d.levels[level]) } }));
  }
}
