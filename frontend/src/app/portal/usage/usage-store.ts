import { computed, inject, Injectable, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ApiError, asApiError } from '../../core/http/api-error';
import {
  type ExportFormat,
  type Grain,
  type UsageBreakdown,
  type UsageByKeyView,
  UsageApi,
  type UsageExportFile,
  type UsageForecastView,
  type UsageRequestView,
  type UsageSummary,
  type UsageTimeseries,
} from './usage-api';
import { type RangeChoice, resolveRange, type ResolvedRange } from './usage-range';

/** Rows per page of the request table. */
export const REQUESTS_PAGE = 50;

/** Everything the page shows for one range, fetched together. */
export interface UsageDashboard {
  readonly summary: UsageSummary;
  readonly providers: UsageBreakdown;
  readonly models: UsageBreakdown;
  readonly powerLevels: UsageBreakdown;
}

/** Saves a downloaded file through an object URL (revoked right after the click). */
export function saveFile(file: UsageExportFile, doc: Document = document): void {
  const url = URL.createObjectURL(file.blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.rel = 'noopener';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * The usage page's state. `load()` issues every query of the range at once (summary, the three
 * breakdowns, by key, the time series, the first page of requests, the forecast): the page renders as
 * each arrives, and a failing part only fails its own section.
 */
@Injectable()
export class UsageStore {
  private readonly api = inject(UsageApi);
  /** Answers of an older load are dropped when a newer one started. */
  private generation = 0;

  private readonly choiceState = signal<RangeChoice>({ preset: '7d' });
  private readonly rangeState = signal<ResolvedRange | null>(null);
  private readonly bucketState = signal<Grain>('hour');

  private readonly dashboardState = signal<UsageDashboard | null>(null);
  private readonly dashboardLoading = signal(false);
  private readonly dashboardError = signal<ApiError | null>(null);

  private readonly keysState = signal<UsageByKeyView | null>(null);
  private readonly keysError = signal<ApiError | null>(null);

  private readonly seriesState = signal<UsageTimeseries | null>(null);
  private readonly seriesLoading = signal(false);
  private readonly seriesError = signal<ApiError | null>(null);

  private readonly forecastState = signal<UsageForecastView | null>(null);
  private readonly forecastError = signal<ApiError | null>(null);

  private readonly rowsState = signal<readonly UsageRequestView[]>([]);
  private readonly cursorState = signal<string | null>(null);
  private readonly rowsLoading = signal(false);
  private readonly rowsError = signal<ApiError | null>(null);

  private readonly exportingState = signal<ExportFormat | null>(null);
  private readonly exportResult = signal<{ readonly ok: boolean; readonly text: string } | null>(null);

  readonly choice = this.choiceState.asReadonly();
  readonly range = this.rangeState.asReadonly();
  readonly bucket = this.bucketState.asReadonly();
  readonly dashboard = this.dashboardState.asReadonly();
  readonly loading = this.dashboardLoading.asReadonly();
  readonly error = this.dashboardError.asReadonly();
  readonly byKey = this.keysState.asReadonly();
  readonly byKeyError = this.keysError.asReadonly();
  readonly series = this.seriesState.asReadonly();
  readonly seriesBusy = this.seriesLoading.asReadonly();
  readonly seriesFailure = this.seriesError.asReadonly();
  readonly forecast = this.forecastState.asReadonly();
  readonly forecastFailure = this.forecastError.asReadonly();
  readonly requests = this.rowsState.asReadonly();
  readonly hasMoreRequests = computed(() => this.cursorState() !== null);
  readonly requestsBusy = this.rowsLoading.asReadonly();
  readonly requestsFailure = this.rowsError.asReadonly();
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
    this.fetchAll(resolved);
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

  /** The next page of the request table (keyset paging, newest first). */
  async loadMoreRequests(): Promise<void> {
    const range = this.rangeState();
    const cursor = this.cursorState();
    if (!range || !cursor || this.rowsLoading()) return;
    await this.fetchRequests(range, cursor, this.generation);
  }

  /** Downloads every request of the range as CSV or JSON, with the bearer token, and saves it. */
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

  private fetchAll(range: ResolvedRange): void {
    const gen = ++this.generation;
    this.rowsState.set([]);
    this.cursorState.set(null);
    // All at once: none waits for another.
    void this.fetchDashboard(range, gen);
    void this.fetchKeys(range, gen);
    void this.fetchSeries(range, gen);
    void this.fetchRequests(range, null, gen);
    void this.fetchForecast(gen);
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

  private async fetchKeys(range: ResolvedRange, gen: number): Promise<void> {
    this.keysError.set(null);
    try {
      const keys = await firstValueFrom(this.api.byKey(range.query));
      if (gen === this.generation) this.keysState.set(keys);
    } catch (e) {
      if (gen !== this.generation) return;
      this.keysState.set(null);
      this.keysError.set(asApiError(e));
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

  private async fetchRequests(range: ResolvedRange, cursor: string | null, gen: number): Promise<void> {
    this.rowsLoading.set(true);
    this.rowsError.set(null);
    try {
      const page = await firstValueFrom(this.api.requests(range.query, REQUESTS_PAGE, cursor));
      if (gen !== this.generation) return;
      this.rowsState.update((rows) => (cursor ? [...rows, ...page.data] : page.data));
      this.cursorState.set(page.nextCursor);
    } catch (e) {
      if (gen === this.generation) this.rowsError.set(asApiError(e));
    } finally {
      if (gen === this.generation) this.rowsLoading.set(false);
    }
  }

  private async fetchForecast(gen: number): Promise<void> {
    this.forecastError.set(null);
    try {
      const forecast = await firstValueFrom(this.api.forecast());
      if (gen === this.generation) this.forecastState.set(forecast);
    } catch (e) {
      if (gen === this.generation) this.forecastError.set(asApiError(e));
    }
  }
}
