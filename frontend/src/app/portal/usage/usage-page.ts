import { ChangeDetectionStrategy, Component, computed, inject, type OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { PageState } from '../../shared/page-state';
import type { ExportFormat, Grain, UsageRangeQuery } from './usage-api';
import { formatCompact, formatCount, formatMs, formatPercent, formatSpend } from './usage-format';
import { UsageForecastCard } from './usage-forecast-card';
import { UsageRangePicker } from './usage-range-picker';
import { keySourceShares, modelShares, powerLevelShares, providerShares } from './usage-share-rows';
import { UsageRequestTable } from './usage-request-table';
import { UsageSeries } from './usage-series';
import { type ShareRow, UsageShare } from './usage-share';
import { UsageStore } from './usage-store';

interface Kpi {
  readonly label: string;
  readonly value: string;
  readonly detail: string;
}

/** /app/usage: the caller's requests, tokens and spend over a range, where they went, and this month's outlook. */
@Component({
  selector: 'gw-usage-page',
  imports: [
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatIconModule,
    PageState,
    UsageRangePicker,
    UsageForecastCard,
    UsageRequestTable,
    UsageSeries,
    UsageShare,
  ],
  providers: [UsageStore],
  templateUrl: './usage-page.html',
  styleUrl: './usage-dashboard.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class UsagePage implements OnInit {
  protected readonly store = inject(UsageStore);

  /** The chart runs from the range's start to now (the query may end later, on a bucket boundary). */
  protected readonly seriesSpan = computed<UsageRangeQuery | null>(() => {
    const r = this.store.range();
    return r ? { from: r.query.from, to: r.until } : null;
  });

  protected readonly kpis = computed<readonly Kpi[]>(() => {
    const s = this.store.dashboard()?.summary;
    if (!s) return [];
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
        label: 'Charged',
        value: formatSpend(s.chargedMicros),
        detail: `provider cost ${formatSpend(s.providerCostMicros)}`,
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
      { label: 'Average latency', value: formatMs(s.avgLatencyMs), detail: 'whole answer' },
      {
        label: 'Time to first token',
        value: formatMs(s.avgTimeToFirstTokenMs),
        detail: 'average, streamed answers',
      },
      {
        label: 'Your keys (BYOK)',
        value: formatPercent(s.byok.shareOfRequests),
        detail: `of requests · platform ${formatPercent(s.platform.shareOfRequests)}`,
      },
    ];
  });

  protected readonly providerRows = computed(() => providerShares(this.store.dashboard()?.providers.data));
  protected readonly modelRows = computed(() => modelShares(this.store.dashboard()?.models.data));
  protected readonly powerLevelRows = computed(() =>
    powerLevelShares(this.store.dashboard()?.powerLevels.data),
  );
  protected readonly keySourceRows = computed(() =>
    keySourceShares(this.store.dashboard()?.summary, 'Your provider keys (BYOK)'),
  );
  protected readonly gatewayKeyRows = computed<readonly ShareRow[]>(() => {
    const view = this.store.byKey();
    if (!view) return [];
    return view.rows.map((r) => ({
      key: r.apiKeyId ?? 'session',
      label: r.label ?? (r.apiKeyId === null ? 'Signed-in session' : 'Unknown key'),
      detail: [r.masked, r.revoked ? 'revoked' : null].filter((x) => x).join(' · ') || undefined,
      requests: r.requests,
      tokens: r.promptTokens + r.completionTokens,
      chargedMicros: r.costMicros,
      shareOfRequests: r.shareOfRequests,
    }));
  });
  protected readonly gatewayKeyEmpty = computed(() => {
    const e = this.store.byKeyError();
    return e ? `Could not load the share by key: ${e.describe()}` : 'No requests in this range.';
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

  protected loadMoreRequests(): void {
    void this.store.loadMoreRequests();
  }
}
