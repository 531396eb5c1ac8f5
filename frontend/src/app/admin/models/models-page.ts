import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, Injector } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { ConfirmDialog, type ConfirmDialogData } from '../../shared/confirm-dialog';
import { PageState } from '../../shared/page-state';
import { PricePipe } from './price.pipe';
import { AdminModelsApi, type AdminModelView } from './admin-models-api';
import { AdminModelsStore } from './admin-models-store';
import { ModelDialog, type ModelDialogData } from './model-dialog';
import { CAPABILITY_OPTIONS, formatTokens, type ModelStatus } from './model-form';
import { PriceHistoryDialog, type PriceHistoryDialogData } from './price-history-dialog';
import { asApiError } from '../../core/http/api-error';

const STATUS_OPTIONS: readonly { value: ModelStatus; label: string }[] = [
  { value: 'enabled', label: 'Enabled' },
  { value: 'disabled', label: 'Disabled' },
  { value: 'deprecated', label: 'Deprecated' },
];

/** /admin/models: the whole catalog with its prices; add, edit, enable/disable, deprecate, price history. */
@Component({
  selector: 'gw-admin-models-page',
  imports: [
    NgTemplateOutlet,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatMenuModule,
    MatSelectModule,
    MatSortModule,
    MatTableModule,
    PricePipe,
    PageState,
  ],
  providers: [AdminModelsApi, AdminModelsStore],
  templateUrl: './models-page.html',
  styleUrl: './models-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ModelsPage {
  protected readonly store = inject(AdminModelsStore);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  /** Dialogs reach the page's store through it. */
  private readonly injector = inject(Injector);

  protected readonly columns = [
    'name',
    'provider',
    'status',
    'input',
    'output',
    'cached',
    'cacheWrite',
    'perRequest',
    'longContext',
    'context',
    'capabilities',
    'powerLevels',
    'tier',
    'actions',
  ] as const;
  protected readonly statusOptions = STATUS_OPTIONS;
  protected readonly summary = computed(() => {
    const shown = this.store.rows().length;
    const total = this.store.models().length;
    return shown === total
      ? `${total} ${total === 1 ? 'model' : 'models'}`
      : `Showing ${shown} of ${total} models`;
  });
  protected readonly filtered = computed(() => {
    const f = this.store.filters();
    return f.search.trim() !== '' || f.provider !== '' || f.status !== '';
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

  protected setStatus(status: ModelStatus | ''): void {
    this.store.setFilters({ status });
  }

  protected sortBy(sort: Sort): void {
    this.store.setSort(sort.active, sort.direction);
  }

  protected providerName(slug: string): string {
    return this.store.providerNames().get(slug) ?? slug;
  }

  protected tokens(n: number): string {
    return formatTokens(n);
  }

  protected capabilities(m: AdminModelView): string {
    const on = CAPABILITY_OPTIONS.filter((c) => m.capabilities[c.value]).map((c) => c.label);
    return on.length ? on.join(', ') : 'None';
  }

  protected row(m: AdminModelView): AdminModelView {
    return m;
  }

  protected addModel(): void {
    this.openEditor(undefined);
  }

  protected editModel(model: AdminModelView): void {
    this.openEditor(model);
  }

  protected showPriceHistory(model: AdminModelView): void {
    this.dialog.open<PriceHistoryDialog, PriceHistoryDialogData>(PriceHistoryDialog, {
      data: { model },
      injector: this.injector,
      width: '960px',
      maxWidth: 'calc(100vw - 16px)',
    });
  }

  protected async setEnabled(model: AdminModelView, enabled: boolean): Promise<void> {
    try {
      await this.store.setEnabled(model, enabled);
      this.notify(`${model.displayName} is ${enabled ? 'enabled' : 'disabled'}.`);
    } catch (e) {
      this.notify(
        `Could not ${enabled ? 'enable' : 'disable'} ${model.displayName}: ${asApiError(e).describe()}`,
      );
    }
  }

  protected deprecateModel(model: AdminModelView): void {
    this.dialog
      .open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
        data: {
          title: `Deprecate ${model.displayName}?`,
          message:
            'Routing stops choosing this model. Requests that name it are still served, and it can still be disabled later. A deprecation cannot be withdrawn here.',
          confirm: 'Deprecate model',
        },
        maxWidth: 'calc(100vw - 16px)',
      })
      .afterClosed()
      .subscribe((confirmed) => {
        if (confirmed) void this.deprecate(model);
      });
  }

  private async deprecate(model: AdminModelView): Promise<void> {
    try {
      await this.store.deprecate(model, null);
      this.notify(`${model.displayName} is deprecated.`);
    } catch (e) {
      this.notify(`Could not deprecate ${model.displayName}: ${asApiError(e).describe()}`);
    }
  }

  private openEditor(model: AdminModelView | undefined): void {
    this.dialog
      .open<ModelDialog, ModelDialogData, AdminModelView>(ModelDialog, {
        data: { model, providers: this.store.providers() },
        injector: this.injector,
        width: '760px',
        maxWidth: 'calc(100vw - 16px)',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) this.notify(model ? `Saved ${saved.displayName}.` : `Added ${saved.displayName}.`);
      });
  }

  private notify(message: string): void {
    this.snackBar.open(message, 'Close', { duration: 5000 });
  }
}
