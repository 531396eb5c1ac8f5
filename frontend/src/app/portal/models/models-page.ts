import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import type { PowerLevel } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { PageState } from '../../shared/page-state';
import { ModelsApi, type CatalogModelView, type ModelHealth } from './models-api';
import { formatPrice, formatTokens, isFiltered } from './models-filter';
import { ModelsStore } from './models-store';

const HEALTH: Readonly<Record<ModelHealth, { label: string; icon: string }>> = {
  healthy: { label: 'Healthy', icon: 'check_circle' },
  degraded: { label: 'Degraded', icon: 'warning' },
  down: { label: 'Down', icon: 'error' },
  unknown: { label: 'Unknown', icon: 'help' },
};

const CONTEXT_OPTIONS: readonly { value: number; label: string }[] = [
  { value: 0, label: 'Any' },
  { value: 32_000, label: '32K or more' },
  { value: 128_000, label: '128K or more' },
  { value: 200_000, label: '200K or more' },
  { value: 1_000_000, label: '1M or more' },
];

const POWER_LEVELS: readonly { value: PowerLevel; label: string }[] = [
  { value: 'eco', label: 'Eco' },
  { value: 'balanced', label: 'Balanced' },
  { value: 'precision', label: 'Precision' },
];

/** /app/models: the catalog, searchable, filterable and sortable; what my tier cannot use says what unlocks it. */
@Component({
  selector: 'gw-models-page',
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatSortModule,
    MatTableModule,
    PageState,
  ],
  providers: [ModelsApi, ModelsStore],
  templateUrl: './models-page.html',
  styleUrl: './models-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ModelsPage {
  protected readonly store = inject(ModelsStore);
  private readonly auth = inject(AuthStore);

  protected readonly columns = [
    'name',
    'provider',
    'input',
    'output',
    'context',
    'latency',
    'health',
    'access',
  ] as const;
  protected readonly contextOptions = CONTEXT_OPTIONS;
  protected readonly powerLevels = POWER_LEVELS;
  protected readonly tier = computed(() => this.auth.me()?.tier ?? null);
  protected readonly filtered = computed(() => isFiltered(this.store.filters()));
  protected readonly summary = computed(() => {
    const shown = this.store.rows().length;
    const total = this.store.models().length;
    return shown === total
      ? `${total} ${total === 1 ? 'model' : 'models'}`
      : `Showing ${shown} of ${total} models`;
  });

  constructor() {
    void this.store.load();
  }

  protected search(value: string): void {
    this.store.setFilters({ search: value });
  }

  protected setProvider(provider: string): void {
    this.store.setFilters({ provider });
  }

  protected setCapability(capability: string): void {
    this.store.setFilters({ capability });
  }

  protected setMinContext(minContext: number): void {
    this.store.setFilters({ minContext });
  }

  protected setPowerLevel(powerLevel: PowerLevel | ''): void {
    this.store.setFilters({ powerLevel });
  }

  protected setUsableOnly(usableOnly: boolean): void {
    this.store.setFilters({ usableOnly });
  }

  protected sortBy(sort: Sort): void {
    this.store.setSort(sort.active, sort.direction);
  }

  protected price(micros: string): string {
    return formatPrice(micros);
  }

  protected tokens(n: number): string {
    return formatTokens(n);
  }

  protected health(m: CatalogModelView): { label: string; icon: string } {
    return HEALTH[m.health];
  }

  protected model(row: CatalogModelView): CatalogModelView {
    return row;
  }
}
