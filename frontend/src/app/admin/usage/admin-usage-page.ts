import { ChangeDetectionStrategy, Component, computed, inject, type OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { PageState } from '../../shared/page-state';
import type { ExportFormat, Grain, UsageRangeQuery } from '../../portal/usage/usage-api';
import {
  formatCompact,
  formatCount,
  formatMs,
  formatPercent,
  formatSpend,
} from '../../portal/usage/usage-format';
import { UsageRangePicker } from '../../portal/usage/usage-range-picker';
import {
  keySourceShares,
  modelShares,
  powerLevelShares,
  providerShares,
} from '../../portal/usage/usage-share-rows';
import { UsageSeries } from '../../portal/usage/usage-series';
import { UsageShare } from '../../portal/usage/usage-share';
import { formatMarginRate, marginMicros, marginRate } from './admin-usage-format';
import { AdminUsageStore } from './admin-usage-store';
import { CostChargeChart } from './cost-charge-chart';
import { TopSpenders } from './top-spenders';

interface Tile {
  readonly label: string;
  readonly value: string;
  readonly detail: string;
}

/** /admin/usage: every user's usage over a range: totals, margin, charts, breakdowns, top spenders, export. */
@Component({
  selector: 'gw-admin-usage-page',
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    MatIconModule,
    PageState,
    UsageRangePicker,
    UsageSeries,
    UsageShare,
    CostChargeChart,
    TopSpenders,
  ],
  providers: [AdminUsageStore],
  templateUrl: './admin-usage-page.html',
  styleUrls: ['../../portal/usage/usage-dashboard.css', './admin-usage-page.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AdminUsagePage implements OnInit {
  protected readonly store = inject(AdminUsageStore);

  /** The charts run from the range's start to now (the query may end later, on a bucket boundary). */
  protected readonly seriesSpan = computed<UsageRangeQuery | null>(() => {
    const r = this.store.range();
    return r ? { from: r.query.from, to: r.until } : null;
  });

  protected readonly tiles = computed<readonly Tile[]>(() => {
    const s = this.store.dashboard()?.summary;
    if (!s) return [];
    const margin = marginMicros(s.chargedMicros, s.providerCostMicros);
    return [
      {
        label: 'Requests',
        value: formatCount(s.requests),
        detail: `${formatCount(s.streamedRequests)} streamed`,
      },
      {
        label: 'Tokens',
        value: s.totalTokens >= 1_000_000 ? formatCompact(s.totalTokens) : formatCount(s.totalTokens),
        detail: `${formatCount(s.promptTokens)} prompt · ${formatCount(s.completionTokens)} completion`,
      },
      {
        label: 'Provider cost',
        value: formatSpend(s.providerCostMicros),
        detail: `BYOK ${formatPercent(s.byok.shareOfCost)} of it`,
      },
      { label: 'Charged', value: formatSpend(s.chargedMicros), detail: 'to users, all fees included' },
      {
        label: 'Margin',
        value: formatMarginRate(marginRate(s.chargedMicros, s.providerCostMicros)),
        detail: `${formatSpend(margin)} = charged − provider cost`,
      },
      {
        label: 'Fallback rate',
        value: formatPercent(s.fallbackRate),
        detail: `${formatCount(s.fallbackRequests)} needed another provider`,
      },
      {
        label: 'Failure rate',
        value: formatPercent(s.failureRate),
        detail: `${formatCount(s.failedRequests)} failed · ${formatCount(s.interruptedRequests)} interrupted`,
      },
      {
        label: 'Average latency',
        value: formatMs(s.avgLatencyMs),
        detail: `first token ${formatMs(s.avgTimeToFirstTokenMs)}`,
      },
    ];
  });

  protected readonly providerRows = computed(() => providerShares(this.store.dashboard()?.providers.data));
  protected readonly modelRows = computed(() => modelShares(this.store.dashboard()?.models.data));
  protected readonly powerLevelRows = computed(() =>
    powerLevelShares(this.store.dashboard()?.powerLevels.data),
  );
  protected readonly keySourceRows = computed(() =>
    keySourceShares(this.store.dashboard()?.summary, "Users' own keys (BYOK)"),
  );

  protected readonly spendersText = computed(() => {
    const v = this.store.byUser();
    if (!v) return '';
    return v.totalUsers > v.data.length
      ? `The ${formatCount(v.data.length)} most charged of ${formatCount(v.totalUsers)} users with usage.`
      : `${formatCount(v.totalUsers)} ${v.totalUsers === 1 ? 'user' : 'users'} with usage, most charged first.`;
  });

  ngOnInit(): void {
    this.store.load();
  }

  protected setBucket(bucket: Grain): void {
    this.store.setBucket(bucket);
  }

  protected exportUsage(format: ExportFormat): void {
    void this.store.exportUsage(format);
  }
}
