import { computed, inject, Injectable, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ApiError, asApiError } from '../../core/http/api-error';
import type {
  ExportFormat,
  Grain,
  UsageBreakdown,
  UsageExportFile,
  UsageSummary,
  UsageTimeseries,
} from '../../portal/usage/usage-api';
import { type RangeChoice, resolveRange, type ResolvedRange } from '../../portal/usage/usage-range';
import { saveFile } from '../../portal/usage/usage-store';
import { AdminUsageApi, type UsageByUserView } from './admin-usage-api';

/** Rows of the top-spenders table. */
export const TOP_SPENDERS = 20;

/** Every user's totals and breakdowns for one range, fetched together. */
export interface AdminUsageDashboard {
  readonly summary: UsageSummary;
  readonly providers: UsageBreakdown;
  readonly models: UsageBreakdown;
  readonly powerLevels: UsageBreakdown;
}

/**
 * /admin/usage state. `choose()` issues the range's queries at once (totals and breakdowns, top
 * spenders, the time series); each part fails on its own, and answers of an older range are dropped.
 */
@Injectable()
export class AdminUsageStore {
  private readonly api = inject(AdminUsageApi);
  private generation = 0;

  private readonly choiceState = signal<RangeChoice>({ preset: '7d' });
  private readonly rangeState = signal<ResolvedRange | null>(null);
  private readonly bucketState = signal<Grain>('hour');

  private readonly dashboardState = signal<AdminUsageDashboard | null>(null);
  private readonly dashboardLoading = signal(false);
  private readonly dashboardError = signal<ApiError | null>(null);

  private readonly usersState = signal<UsageByUserView | null>(null);
  private readonly usersLoading = signal(false);
  private readonly usersError = signal<ApiError | null>(null);

  private readonly seriesState = signal<UsageTimeseries | null>(null);
  private readonly seriesLoading = signal(false);
  private readonly seriesError = signal<ApiError | null>(null);

  private readonly exportingState = signal<ExportFormat | null>(null);
  private readonly exportResult = signal<{ readonly ok: boolean; readonly text: string } | null>(null);

  readonly choice = this.choiceState.asReadonly();
  readonly range = this.rangeState.asReadonly();
  readonly bucket = this.bucketState.asReadonly();
  readonly dashboard = this.dashboardState.asReadonly();
  readonly loading = this.dashboardLoading.asReadonly();
  readonly error = this.dashboardError.asReadonly();
  readonly byUser = this.usersState.asReadonly();
  readonly byUserBusy = this.usersLoading.asReadonly();
  readonly byUserFailure = this.usersError.asReadonly();
  readonly series = this.seriesState.asReadonly();
  readonly seriesBusy = this.seriesLoading.asReadonly();
  readonly seriesFailure = this.seriesError.asReadonly();
  readonly exporting = this.exportingState.asReadonly();
  readonly exportStatus = this.exportResult.asReadonly();
  /** Nothing recorded in the range (known once the summary arrived). */
  readonly empty = computed(() => this.dashboardState()?.summary.requests === 0);

  /** Chooses a range (a preset, or custom dates) and loads it; invalid custom dates load nothing. */
  choose(choice: RangeChoice, now: Date = new Date()): boolean {
    const resolved = resolveRange(choice, now);
    if (!resolved) return false;
    this.choiceState.set(choice);
    this.rangeState.set(resolved);
    this.bucketState.set(resolved.defaultBucket);
    const gen = ++this.generation;
    void this.fetchDashboard(resolved, gen);
    void this.fetchUsers(resolved, gen);
    void this.fetchSeries(resolved, gen);
    return true;
  }

  /** Loads (again) the current choice, up to now. */
  load(now: Date = new Date()): void {
    this.choose(this.choiceState(), now);
  }

  /** Hourly or daily buckets: only the time series is fetched again. */
  setBucket(bucket: Grain): void {
    const range = this.rangeState();
    if (!range || bucket === this.bucketState() || (bucket === 'hour' && !range.hourAllowed)) return;
    this.bucketState.set(bucket);
    void this.fetchSeries(range, this.generation);
  }

  /** Downloads every user's requests of the range as CSV or JSON and saves the file. */
  async exportUsage(format: ExportFormat, save: (file: UsageExportFile) => void = saveFile): Promise<void> {
    const range = this.rangeState();
    if (!range || this.exportingState()) return;
    this.exportingState.set(format);
    this.exportResult.set(null);
    try {
      const file = await this.api.export(range.query, format);
      save(file);
      this.exportResult.set({ ok: true, text: `Downloaded ${file.filename}.` });
    } catch (e) {
      this.exportResult.set({ ok: false, text: `Export failed: ${asApiError(e).describe()}` });
    } finally {
      this.exportingState.set(null);
    }
  }

  private async fetchDashboard(range: ResolvedRange, gen: number): Promise<void> {
    this.dashboardLoading.set(true);
    this.dashboardError.set(null);
    try {
      const q = range.query;
      const [summary, providers, models, powerLevels] = await Promise.all([
        firstValueFrom(this.api.summary(q)),
        firstValueFrom(this.api.breakdown(q, 'provider')),
        firstValueFrom(this.api.breakdown(q, 'model')),
        firstValueFrom(this.api.breakdown(q, 'powerLevel')),
      ]);
      if (gen !== this.generation) return;
      this.dashboardState.set({ summary, providers, models, powerLevels });
    } catch (e) {
      if (gen !== this.generation) return;
      this.dashboardState.set(null);
      this.dashboardError.set(asApiError(e));
    } finally {
      if (gen === this.generation) this.dashboardLoading.set(false);
    }
  }

  private async fetchUsers(range: ResolvedRange, gen: number): Promise<void> {
    this.usersLoading.set(true);
    this.usersError.set(null);
    try {
      const users = await firstValueFrom(this.api.byUser(range.query, TOP_SPENDERS));
      if (gen === this.generation) this.usersState.set(users);
    } catch (e) {
      if (gen !== this.generation) return;
      this.usersState.set(null);
      this.usersError.set(asApiError(e));
    } finally {
      if (gen === this.generation) this.usersLoading.set(false);
    }
  }

  private async fetchSeries(range: ResolvedRange, gen: number): Promise<void> {
    const bucket = this.bucketState();
    this.seriesLoading.set(true);
    this.seriesError.set(null);
    try {
      const series = await firstValueFrom(this.api.timeseries(range.query, bucket));
      if (gen !== this.generation || bucket !== this.bucketState()) return;
      this.seriesState.set(series);
    } catch (e) {
      if (gen !== this.generation || bucket !== this.bucketState()) return;
      this.seriesState.set(null);
      this.seriesError.set(asApiError(e));
    } finally {
      if (gen === this.generation && bucket === this.bucketState()) this.seriesLoading.set(false);
    }
  }
}
