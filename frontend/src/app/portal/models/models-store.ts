import { computed, inject, Injectable, signal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import { ModelsApi, type CatalogModelView, type ModelAlias } from './models-api';
import {
  DEFAULT_SORT,
  isSortColumn,
  matches,
  NO_FILTERS,
  sortModels,
  type ModelFilters,
  type ModelSort,
} from './models-filter';

/** Page state for /app/models: the catalog, the filters and the sort, and the rows they leave. */
@Injectable()
export class ModelsStore {
  private readonly api = inject(ModelsApi);
  private readonly catalog = signal<readonly CatalogModelView[]>([]);
  private readonly aliasList = signal<readonly ModelAlias[]>([]);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly filterState = signal<ModelFilters>(NO_FILTERS);
  private readonly sortState = signal<ModelSort>(DEFAULT_SORT);

  readonly models = this.catalog.asReadonly();
  readonly aliases = this.aliasList.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly filters = this.filterState.asReadonly();
  readonly sort = this.sortState.asReadonly();

  /** The rows to show: filtered, then sorted. */
  readonly rows = computed(() =>
    sortModels(
      this.catalog().filter((m) => matches(m, this.filterState())),
      this.sortState(),
    ),
  );
  /** Providers present in the catalog, by name: the provider filter's options. */
  readonly providers = computed(() => {
    const names = new Map<string, string>();
    for (const m of this.catalog()) names.set(m.provider, m.providerName);
    return [...names].map(([slug, name]) => ({ slug, name })).sort((a, b) => a.name.localeCompare(b.name));
  });
  /** Capabilities present in the catalog: the capability filter's options. */
  readonly capabilities = computed(() => [...new Set(this.catalog().flatMap((m) => m.capabilities))].sort());

  async load(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const view = await this.api.catalog();
      this.catalog.set(view.models);
      this.aliasList.set(view.aliases);
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
  }

  setFilters(changes: Partial<ModelFilters>): void {
    this.filterState.update((f) => ({ ...f, ...changes }));
  }

  clearFilters(): void {
    this.filterState.set(NO_FILTERS);
  }

  /** From MatSort: no direction is the default order back. */
  setSort(column: string, direction: 'asc' | 'desc' | ''): void {
    this.sortState.set(direction === '' || !isSortColumn(column) ? DEFAULT_SORT : { column, direction });
  }
}
