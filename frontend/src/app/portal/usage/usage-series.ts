import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { ChartView } from '../../shared/chart';
import { formatMicros, MoneyPipe } from '../../shared/money';
import type { UsageBucket, UsageRangeQuery, UsageTimeseries } from './usage-api';
import { colorAt, formatCount, formatMs, microsToChartDollars, spendDigits } from './usage-format';
import { bucketKeys, bucketLabel } from './usage-range';

export type SeriesMetric = 'requests' | 'tokens' | 'cost' | 'latency';

export const SERIES_METRICS: ReadonlyArray<{ readonly value: SeriesMetric; readonly label: string }> = [
  { value: 'requests', label: 'Requests' },
  { value: 'tokens', label: 'Tokens' },
  { value: 'cost', label: 'Cost' },
  { value: 'latency', label: 'Latency' },
];

/** Requests, tokens, cost or latency per hour or day: one chart, built when its data or metric changes. */
@Component({
  selector: 'gw-usage-series',
  imports: [MatButtonToggleModule, ChartView, MoneyPipe],
  templateUrl: './usage-series.html',
  styleUrl: './usage-series.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsageSeries {
  readonly series = input.required<UsageTimeseries>();
  /** The chart's span: the query's start, and its end or now, whichever is earlier. */
  readonly range = input.required<UsageRangeQuery>();

  protected readonly metrics = SERIES_METRICS;
  protected readonly metric = signal<SeriesMetric>('requests');
  protected readonly formatCount = formatCount;
  protected readonly formatMs = formatMs;
  protected readonly spendDigits = spendDigits;

  /** The sparse buckets, with the empty ones in between filled in. */
  private readonly filled = computed(() => {
    const s = this.series();
    const byKey = new Map<string, UsageBucket>(s.data.map((b) => [b.bucket, b]));
    const keys = bucketKeys(this.range(), s.bucket);
    return {
      keys,
      labels: keys.map((k) => bucketLabel(k, s.bucket)),
      buckets: keys.map((k) => byKey.get(k)),
    };
  });

  /** Rows of the table alternative: only buckets with usage. */
  protected readonly tableRows = computed(() => {
    const grain = this.series().bucket;
    return this.series().data.map((b) => ({ ...b, label: bucketLabel(b.bucket, grain) }));
  });

  protected readonly unit = computed(() => (this.series().bucket === 'hour' ? 'hour' : 'day'));

  protected readonly chart = computed<ChartConfiguration>(() => {
    const { labels, buckets } = this.filled();
    const metric = this.metric();
    // Typed as the union (each with its `type`), not ChartDataset<'bar'>: converting the latter to
    // ChartDataset makes TypeScript compare tooltip callbacks' `this`, which fails or passes depending
    // on the order the compiler meets the types in.
    const bar = (label: string, data: number[], i: number): ChartDataset => ({
      type: 'bar',
      label,
      data,
      backgroundColor: colorAt(i),
      stack: 'one',
    });
    const line = (label: string, data: Array<number | null>, i: number): ChartDataset => ({
      type: 'line',
      label,
      data,
      borderColor: colorAt(i),
      backgroundColor: colorAt(i),
      spanGaps: true,
      pointRadius: 2,
    });
    let datasets: ChartDataset[];
    switch (metric) {
      case 'requests':
        datasets = [
          bar(
            'Succeeded',
            buckets.map((b) => (b ? b.requests - b.failedRequests : 0)),
            0,
          ),
          bar(
            'Failed',
            buckets.map((b) => b?.failedRequests ?? 0),
            1,
          ),
        ];
        break;
      case 'tokens':
        datasets = [
          bar(
            'Prompt tokens',
            buckets.map((b) => b?.promptTokens ?? 0),
            0,
          ),
          bar(
            'Completion tokens',
            buckets.map((b) => b?.completionTokens ?? 0),
            2,
          ),
        ];
        break;
      case 'cost':
        datasets = [
          bar(
            'Charged ($)',
            buckets.map((b) => (b ? microsToChartDollars(b.chargedMicros) : 0)),
            3,
          ),
        ];
        break;
      case 'latency':
        datasets = [
          line(
            'Average latency (ms)',
            buckets.map((b) => b?.avgLatencyMs ?? null),
            0,
          ),
          line(
            'Average time to first token (ms)',
            buckets.map((b) => b?.avgTimeToFirstTokenMs ?? null),
            1,
          ),
        ];
        break;
    }
    const stacked = metric !== 'latency';
    return {
      type: metric === 'latency' ? 'line' : 'bar',
      data: { labels, datasets },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { stacked, beginAtZero: true },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip:
            metric === 'cost'
              ? {
                  callbacks: {
                    label: (item) => {
                      const b = buckets[item.dataIndex];
                      return `Charged ${formatMicros(b?.chargedMicros ?? '0', 6)}`;
                    },
                  },
                }
              : {},
        },
      },
    } as ChartConfiguration;
  });

  /** The chart in words, for screen readers. */
  protected readonly chartLabel = computed(() => {
    const data = this.series().data;
    const name = this.metrics.find((m) => m.value === this.metric())!.label;
    if (data.length === 0) return `${name} per ${this.unit()}: no usage in this range`;
    const busiest = data.reduce((a, b) => (b.requests > a.requests ? b : a));
    return (
      `${name} per ${this.unit()} (UTC), ${this.filled().keys.length} ${this.unit()}s, ` +
      `${data.length} with usage; busiest ${bucketLabel(busiest.bucket, this.series().bucket)} with ` +
      `${formatCount(busiest.requests)} requests. The table below has the numbers.`
    );
  });

  protected selectMetric(value: SeriesMetric): void {
    this.metric.set(value);
  }
}
