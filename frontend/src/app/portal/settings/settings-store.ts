import { inject, Injectable, signal } from '@angular/core';
import type { PowerLevel } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { ApiError, asApiError } from '../../core/http/api-error';
import {
  SettingsApi,
  type MyWhatIfView,
  type SettingsEstimateView,
  type EditableSettings,
  type SettingsView,
  type UpdateSettings,
} from './settings-api';

const MICROS_PER_DOLLAR = 1_000_000n;

/** Integer micro-dollars as a dollar amount to edit ("5000000" → "5.00", "1234567" → "1.234567"). */
export function microsToDollarsText(micros: string | null): string {
  if (micros === null || !/^\d+$/.test(micros)) return '';
  const value = BigInt(micros);
  const cents = (value % MICROS_PER_DOLLAR).toString().padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
  return `${value / MICROS_PER_DOLLAR}.${cents}`;
}

/** The fields of `next` that differ from `current`: PUT sends only what changes. */
export function changesBetween(current: EditableSettings, next: EditableSettings): UpdateSettings {
  return {
    ...(next.powerLevel !== current.powerLevel && { powerLevel: next.powerLevel }),
    ...(next.monthlyCapMicros !== current.monthlyCapMicros && { monthlyCapMicros: next.monthlyCapMicros }),
    ...(next.capMode !== current.capMode && { capMode: next.capMode }),
    ...(next.byokOnly !== current.byokOnly && { byokOnly: next.byokOnly }),
  };
}

/** Page state for /app/settings: the saved settings, the live estimate, and saving. */
@Injectable()
export class SettingsStore {
  private readonly api = inject(SettingsApi);
  private readonly auth = inject(AuthStore);

  private readonly current = signal<SettingsView | null>(null);
  private readonly estimated = signal<SettingsEstimateView | null>(null);
  private readonly loadingState = signal(true);
  private readonly loadError = signal<ApiError | null>(null);
  private readonly estimateLoading = signal(false);
  private readonly estimateFailure = signal<ApiError | null>(null);
  private readonly savingState = signal(false);
  private readonly saveFailure = signal<ApiError | null>(null);
  private readonly savedText = signal<string | null>(null);
  private readonly pastState = signal<ReadonlyMap<PowerLevel, MyWhatIfView>>(new Map());
  private readonly pastFailure = signal<ApiError | null>(null);

  readonly settings = this.current.asReadonly();
  readonly estimate = this.estimated.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.loadError.asReadonly();
  readonly estimateBusy = this.estimateLoading.asReadonly();
  readonly estimateError = this.estimateFailure.asReadonly();
  readonly saving = this.savingState.asReadonly();
  readonly saveError = this.saveFailure.asReadonly();
  /** The confirmation after a save (announced politely); null before one or while editing. */
  readonly saved = this.savedText.asReadonly();
  /** The last 30 days replayed at each allowed level other than the saved one. */
  readonly past = this.pastState.asReadonly();
  readonly pastError = this.pastFailure.asReadonly();

  /** GET /api/v1/me/settings and the estimate side by side; a failed estimate does not hide the form. */
  async load(): Promise<void> {
    this.loadingState.set(true);
    this.loadError.set(null);
    const estimate = this.reloadEstimate();
    try {
      this.current.set(await this.api.settings());
    } catch (e) {
      this.loadError.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
    await Promise.all([estimate, this.reloadPast()]);
  }

  /**
   * "Your last 30 days at eco would have cost $X instead of $Y": the caller's recorded requests
   * replayed at each level their tier allows other than the saved one (two at most, side by side).
   */
  async reloadPast(): Promise<void> {
    const current = this.current()?.powerLevel;
    const allowed = this.auth.me()?.allowedPowerLevels ?? [];
    const levels = allowed.filter((l) => l !== current);
    this.pastFailure.set(null);
    if (current === undefined) return;
    try {
      const views = await Promise.all(levels.map((l) => this.api.whatIf(l)));
      this.pastState.set(new Map(views.map((v) => [v.powerLevel, v])));
    } catch (e) {
      this.pastState.set(new Map());
      this.pastFailure.set(asApiError(e));
    }
  }

  async reloadEstimate(): Promise<void> {
    this.estimateLoading.set(true);
    this.estimateFailure.set(null);
    try {
      this.estimated.set(await this.api.estimate());
    } catch (e) {
      this.estimateFailure.set(asApiError(e));
    } finally {
      this.estimateLoading.set(false);
    }
  }

  /** The form changed again: the last confirmation and error no longer describe it. */
  edited(): void {
    this.savedText.set(null);
    this.saveFailure.set(null);
  }

  /**
   * PUT /api/v1/me/settings with the fields that changed. A new power level or BYOK-only choice
   * changes what routing picks: the estimate is fetched again, and the profile (its power level).
   */
  async save(next: EditableSettings): Promise<boolean> {
    const current = this.current();
    if (!current || this.savingState()) return false;
    const changes = changesBetween(current, next);
    this.saveFailure.set(null);
    this.savedText.set(null);
    if (Object.keys(changes).length === 0) {
      this.savedText.set('Nothing changed: your settings are as saved.');
      return true;
    }
    this.savingState.set(true);
    try {
      this.current.set(await this.api.update(changes));
    } catch (e) {
      this.saveFailure.set(asApiError(e));
      return false;
    } finally {
      this.savingState.set(false);
    }
    this.savedText.set('Settings saved.');
    const follow: Promise<unknown>[] = [];
    if (changes.powerLevel !== undefined || changes.byokOnly !== undefined)
      follow.push(this.reloadEstimate());
    if (changes.powerLevel !== undefined)
      follow.push(
        this.auth.reloadProfile().catch(() => undefined),
        this.reloadPast(),
      );
    await Promise.all(follow);
    return true;
  }
}
