import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ChartConfiguration } from 'chart.js';
import { ChartView } from '../../shared/chart';
import { formatCount, formatMs, type HealthWindow, type ProviderHealthPoint } from './provider-health';

const COLORS = { ok: '#1e88e5', failed: '#e53935', p95: '#8e24aa' } as const;

const MINUTE = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const HOUR_OF_DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });

/** A bucket's start as a label: minutes for the last hour, day and hour otherwise (the viewer's time zone). */
export const pointLabel = (at: string, window: HealthWindow): string =>
  (window === '1h' ? MINUTE : HOUR_OF_DAY).format(new Date(at));

/** Requests (succeeded / failed, stacked bars) and p95 latency (a line on its own axis) per bucket. */
@Component({
  selector: 'gw-health-chart',
  imports: [ChartView],
  template: `
    <gw-chart [config]="chart()" [label]="label()" />
    <details class="alt">
      <summary>
        Show as a table ({{ rows().length }} {{ unit() }}{{ rows().length === 1 ? '' : 's' }} with requests or
        an open breaker)
      </summary>
      <div class="gw-table-scroll" tabindex="0" role="region" aria-label="Health per bucket">
        <table class="series-table">
          <thead>
            <tr>
              <th scope="col">{{ unit() === 'minute' ? 'Minute' : 'Hour' }}</th>
              <th scope="col" class="num">Requests</th>
              <th scope="col" class="num">Failures</th>
              <th scope="col" class="num">p95 latency</th>
              <th scope="col">Breaker</th>
            </tr>
          </thead>
          <tbody>
            @for (p of rows(); track p.at) {
              <tr>
                <th scope="row">{{ p.label }}</th>
                <td class="num">{{ formatCount(p.requests) }}</td>
                <td class="num">{{ formatCount(p.failures) }}</td>
                <td class="num">{{ formatMs(p.latencyP95Ms) }}</td>
                <td>{{ p.healthy ? 'Closed' : 'Open' }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    </details>
  `,
  styles: `
    .alt {
      margin-top: 8px;
    }
    .alt summary {
      cursor: pointer;
    }
    .series-table {
      border-collapse: collapse;
    }
    .series-table th,
    .series-table td {
      padding: 4px 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      white-space: nowrap;
    }
    .series-table .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HealthChart {
  readonly series = input.required<readonly ProviderHealthPoint[]>();
  readonly window = input.required<HealthWindow>();
  protected readonly formatCount = formatCount;
  protected readonly formatMs = formatMs;

  protected readonly unit = computed(() => (this.window() === '1h' ? 'minute' : 'hour'));

  protected readonly rows = computed(() =>
    this.series()
      .filter((p) => p.requests > 0 || !p.healthy)
      .map((p) => ({ ...p, label: pointLabel(p.at, this.window()) })),
  );

  protected readonly chart = computed<ChartConfiguration>(() => {
    const points = this.series();
    const window = this.window();
    return {
      type: 'bar',
      data: {
        labels: points.map((p) => pointLabel(p.at, window)),
        datasets: [
          {
            type: 'bar',
            label: 'Succeeded',
            data: points.map((p) => p.requests - p.failures),
            backgroundColor: COLORS.ok,
            stack: 'requests',
            yAxisID: 'y',
          },
          {
            type: 'bar',
            label: 'Failed',
            data: points.map((p) => p.failures),
            backgroundColor: COLORS.failed,
            stack: 'requests',
            yAxisID: 'y',
          },
          {
            type: 'line',
            label: 'p95 latency (ms)',
            data: points.map((p) => p.latencyP95Ms),
            borderColor: COLORS.p95,
            backgroundColor: COLORS.p95,
            spanGaps: true,
            pointRadius: 2,
            yAxisID: 'latency',
          },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Requests' } },
          latency: {
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: 'p95 ms' },
          },
        },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    } as ChartConfiguration;
  });

  /** The chart in words, for screen readers. */
  protected readonly label = computed(() => {
    const points = this.series();
    const requests = points.reduce((a, p) => a + p.requests, 0);
    const failures = points.reduce((a, p) => a + p.failures, 0);
    const open = points.filter((p) => !p.healthy).length;
    return (
      `Requests, failures and p95 latency per ${this.unit()}, ${points.length} ${this.unit()}s: ` +
      `${formatCount(requests)} requests, ${formatCount(failures)} failed; the breaker was open in ` +
      `${open} ${this.unit()}${open === 1 ? '' : 's'}. The table below has the numbers.`
    );
  });
}
