import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { AuthStore } from '../../core/auth/auth-store';
import type { ApiError } from '../../core/http/api-error';
import { PageState } from '../../shared/page-state';
import { PricePipe } from './price.pipe';
import type { AdminModelView, ModelPrices, PriceVersionView } from './admin-models-api';
import { AdminModelsStore } from './admin-models-store';
import { formatTokens } from './model-form';
import { asApiError } from '../../core/http/api-error';

export interface PriceHistoryDialogData {
  readonly model: AdminModelView;
}

type PriceField = Exclude<keyof ModelPrices, 'longContext'>;

/** One row of the history: a version, newest first, and which of its prices differ from the one before. */
export interface PriceHistoryRow {
  readonly version: PriceVersionView;
  readonly current: boolean;
  readonly changed: ReadonlySet<PriceField | 'longContext'>;
}

const FIELDS: readonly PriceField[] = [
  'inputPerMillionMicros',
  'outputPerMillionMicros',
  'cachedInputPerMillionMicros',
  'cacheWritePerMillionMicros',
  'cacheWrite1hPerMillionMicros',
  'perRequestMicros',
];

/** Newest first; each version marks the prices that changed from the version before it. */
export function historyRows(versions: readonly PriceVersionView[]): PriceHistoryRow[] {
  return versions
    .map((v, i) => {
      const before = versions[i - 1];
      const changed = new Set<PriceField | 'longContext'>();
      if (before) {
        for (const f of FIELDS) if (before.prices[f] !== v.prices[f]) changed.add(f);
        if (JSON.stringify(before.prices.longContext) !== JSON.stringify(v.prices.longContext))
          changed.add('longContext');
      }
      return { version: v, current: i === versions.length - 1, changed };
    })
    .reverse();
}

/** A model's price versions, newest first, with who set them and when. */
@Component({
  selector: 'gw-price-history-dialog',
  imports: [MatDialogModule, MatButtonModule, PageState, PricePipe, DatePipe],
  templateUrl: './price-history-dialog.html',
  styleUrl: './price-history-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PriceHistoryDialog {
  private readonly store = inject(AdminModelsStore);
  private readonly auth = inject(AuthStore);
  protected readonly data = inject<PriceHistoryDialogData>(MAT_DIALOG_DATA);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiError | null>(null);
  private readonly versions = signal<readonly PriceVersionView[]>([]);
  protected readonly rows = computed(() => historyRows(this.versions()));

  constructor() {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      this.versions.set(await this.store.priceVersions(this.data.model));
    } catch (e) {
      this.error.set(asApiError(e));
    } finally {
      this.loading.set(false);
    }
  }

  protected who(v: PriceVersionView): string {
    if (v.changedBy === this.auth.me()?.id) return 'You';
    if (v.changedBy.startsWith('system')) return 'Catalog seed';
    return v.changedByName ?? v.changedBy;
  }

  protected tokens(n: number): string {
    return formatTokens(n);
  }
}
