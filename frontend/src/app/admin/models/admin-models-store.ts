import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import {
  AdminModelsApi,
  type AddModelBody,
  type AdminModelView,
  type AdminProviderView,
  type ChangeModelBody,
  type PriceVersionView,
} from './admin-models-api';
import {
  DEFAULT_SORT,
  isSortColumn,
  matchesFilters,
  NO_FILTERS,
  sortModels,
  type AdminModelFilters,
  type AdminModelSort,
} from './model-form';

/** /admin/models: every model of the catalog, the filters and sort, and the intents that change models. */
@Injectable()
export class AdminModelsStore {
  private readonly api = inject(AdminModelsApi);
  private readonly modelList = signal<readonly AdminModelView[]>([]);
  private readonly providerList = signal<readonly AdminProviderView[]>([]);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly filterState = signal<AdminModelFilters>(NO_FILTERS);
  private readonly sortState = signal<AdminModelSort>(DEFAULT_SORT);
  private readonly busyIds = signal<ReadonlySet<string>>(new Set());

  readonly models = this.modelList.asReadonly();
  readonly providers = this.providerList.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly filters = this.filterState.asReadonly();
  readonly sort = this.sortState.asReadonly();
  /** Models with a change in flight (their row actions are disabled). */
  readonly busy = this.busyIds.asReadonly();

  readonly rows = computed(() =>
    sortModels(
      this.modelList().filter((m) => matchesFilters(m, this.filterState())),
      this.sortState(),
    ),
  );
  /** Provider display names by slug (a model's provider may be missing from the list: its slug then). */
  readonly providerNames = computed(() => new Map(this.providerList().map((p) => [p.slug, p.name] as const)));

  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const [models, providers] = await Promise.all([this.api.list(), this.api.providers()]);
      this.modelList.set(models.data);
      this.providerList.set([...providers.data].sort((a, b) => a.name.localeCompare(b.name)));
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
  }

  setFilters(changes: Partial<AdminModelFilters>): void {
    this.filterState.update((f) => ({ ...f, ...changes }));
  }

  clearFilters(): void {
    this.filterState.set(NO_FILTERS);
  }

  /** From MatSort: no direction is the default order back. */
  setSort(column: string, direction: 'asc' | 'desc' | ''): void {
    this.sortState.set(direction === '' || !isSortColumn(column) ? DEFAULT_SORT : { column, direction });
  }

  /** Adds a model. Throws ApiError (400 invalid, 404 unknown provider, 409 exists). */
  async add(body: AddModelBody): Promise<AdminModelView> {
    const model = await this.api.add(body);
    this.upsert(model);
    return model;
  }

  /** Changes a model (only the fields in `body`). Throws ApiError. */
  async change(model: AdminModelView, body: ChangeModelBody): Promise<AdminModelView> {
    const changed = await this.withBusy(model.id, () => this.api.change(model, body));
    this.upsert(changed);
    return changed;
  }

  setEnabled(model: AdminModelView, enabled: boolean): Promise<AdminModelView> {
    return this.change(model, { enabled });
  }

  /** Routing stops choosing it; callers naming it are still served. */
  deprecate(model: AdminModelView, replacement: string | null): Promise<AdminModelView> {
    return this.change(model, { deprecated: { replacement } });
  }

  /** The model's price versions, oldest first. Throws ApiError. */
  async priceVersions(model: AdminModelView): Promise<readonly PriceVersionView[]> {
    return (await this.api.priceVersions(model)).data;
  }

  private upsert(model: AdminModelView): void {
    this.modelList.update((all) =>
      all.some((m) => m.id === model.id) ? all.map((m) => (m.id === model.id ? model : m)) : [...all, model],
    );
  }

  private async withBusy<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.busyIds.update((s) => new Set(s).add(id));
    try {
      return await work();
    } finally {
      this.busyIds.update((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
    }
  }
}
