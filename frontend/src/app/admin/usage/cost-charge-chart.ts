import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ChartConfiguration } from 'chart.js';
import { ChartView } from '../../shared/chart';
import { formatMicros } from '../../shared/money';
import type { UsageBucket, UsageRangeQuery, UsageTimeseries } from '../../portal/usage/usage-api';
import { colorAt, formatSpend, microsToChartDollars } from '../../portal/usage/usage-format';
import { bucketKeys, bucketLabel } from '../../portal/usage/usage-range';
import { formatMarginRate, marginMicros, marginRate } from './admin-usage-format';

/** Provider cost against what users were charged, per hour or day, with the margin between them. */
@Component({
  selector: 'gw-cost-charge-chart',
  imports: [ChartView],
  template: `<gw-chart [config]="chart()" [label]="chartLabel()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CostChargeChart {
  readonly series = input.required<UsageTimeseries>();
  /** The chart's span: the query's start, and its end or now, whichever is earlier. */
  readonly range = input.required<UsageRangeQuery>();

  private readonly filled = computed(() => {
    const s = this.series();
    const byKey = new Map<string, UsageBucket>(s.data.map((b) => [b.bucket, b]));
    const keys = bucketKeys(this.range(), s.bucket);
    return { labels: keys.map((k) => bucketLabel(k, s.bucket)), buckets: keys.map((k) => byKey.get(k)) };
  });

  protected readonly chart = computed<ChartConfiguration>(() => {
    const { labels, buckets } = this.filled();
    const dollars = (pick: (b: UsageBucket) => string): number[] =>
      buckets.map((b) => (b ? microsToChartDollars(pick(b)) : 0));
    return {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'Charged ($)', data: dollars((b) => b.chargedMicros), backgroundColor: colorAt(0) },
          {
            label: 'Provider cost ($)',
            data: dollars((b) => b.providerCostMicros),
            backgroundColor: colorAt(1),
          },
          {
            type: 'line',
            label: 'Margin ($)',
            data: dollars((b) => marginMicros(b.chargedMicros, b.providerCostMicros)),
            borderColor: colorAt(2),
            backgroundColor: colorAt(2),
            pointRadius: 2,
          },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: { x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: { beginAtZero: true } },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item) => {
                const b = buckets[item.dataIndex];
                const micros = !b
                  ? '0'
                  : item.datasetIndex === 0
                    ? b.chargedMicros
                    : item.datasetIndex === 1
                      ? b.providerCostMicros
                      : marginMicros(b.chargedMicros, b.providerCostMicros);
                return `${item.dataset.label?.replace(' ($)', '')} ${formatMicros(micros, 6)}`;
              },
            },
          },
        },
      },
    } as ChartConfiguration;
  });

  /** The chart in words, for screen readers. */
  protected readonly chartLabel = computed(() => {
    const s = this.series();
    const unit = s.bucket === 'hour' ? 'hour' : 'day';
    if (s.data.length === 0) return `Cost and charge per ${unit}: no usage in this range`;
    const charged = s.data.reduce((a, b) => a + BigInt(b.chargedMicros), 0n).toString();
    const cost = s.data.reduce((a, b) => a + BigInt(b.providerCostMicros), 0n).toString();
    return (
      `Charged and provider cost per ${unit} (UTC), ${s.data.length} ${unit}${s.data.length === 1 ? '' : 's'} with usage: charged ` +
      `${formatSpend(charged)}, provider cost ${formatSpend(cost)}, margin ` +
      `${formatSpend(marginMicros(charged, cost))} (${formatMarginRate(marginRate(charged, cost))}).`
    );
  });
}
