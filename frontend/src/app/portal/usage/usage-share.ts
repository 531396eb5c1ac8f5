import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import type { ChartConfiguration } from 'chart.js';
import { ChartView } from '../../shared/chart';
import { MoneyPipe } from '../../shared/money';
import { colorAt, formatCount, formatPercent, spendDigits } from './usage-format';

/** One slice of a share: a provider, a model, a power level, a gateway key or a key source. */
export interface ShareRow {
  readonly key: string;
  readonly label: string;
  /** A second line, e.g. a key's masked value. */
  readonly detail?: string;
  readonly requests: number;
  readonly tokens: number;
  readonly chargedMicros: string;
  readonly shareOfRequests: number;
}

/** Slices drawn; the rest are one "Other" slice (the table lists every row). */
const MAX_SLICES = 8;

/** A share of the range's requests: a doughnut (with its numbers as a table beside it). */
@Component({
  selector: 'gw-usage-share',
  imports: [MatCardModule, ChartView, MoneyPipe],
  templateUrl: './usage-share.html',
  styleUrl: './usage-share.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsageShare {
  readonly heading = input.required<string>();
  /** The first column's header. */
  readonly column = input.required<string>();
  readonly rows = input.required<readonly ShareRow[]>();
  readonly emptyText = input('No requests in this range.');
  /** Draw a doughnut above the table (the table's share bars are always there: no canvas needed). */
  readonly withChart = input(false);

  protected readonly formatCount = formatCount;
  protected readonly formatPercent = formatPercent;
  protected readonly spendDigits = spendDigits;

  protected readonly hasRequests = computed(() => this.rows().some((r) => r.requests > 0));

  protected readonly chart = computed<ChartConfiguration | null>(() => {
    const rows = this.rows().filter((r) => r.requests > 0);
    if (rows.length === 0 || !this.withChart()) return null;
    const shown = rows.slice(0, MAX_SLICES);
    const rest = rows.slice(MAX_SLICES).reduce((n, r) => n + r.requests, 0);
    const labels = shown.map((r) => r.label);
    const data = shown.map((r) => r.requests);
    if (rest > 0) {
      labels.push('Other');
      data.push(rest);
    }
    return {
      type: 'doughnut',
      data: {
        labels,
        datasets: [{ data, backgroundColor: data.map((_, i) => colorAt(i)), borderWidth: 1 }],
      },
      options: { plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } },
    };
  });

  protected readonly chartLabel = computed(() => {
    const parts = this.rows()
      .slice(0, MAX_SLICES)
      .map((r) => `${r.label} ${formatPercent(r.shareOfRequests)}`);
    return `${this.heading()}, share of requests: ${parts.join(', ')}`;
  });
}
