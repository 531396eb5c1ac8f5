import { ChangeDetectionStrategy, Component, computed, inject, type OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { PageState } from '../../shared/page-state';
import type { ExportFormat, Grain, UsageBreakdownItem, UsageRangeQuery } from './usage-api';
import {
  formatCompact,
  formatCount,
  formatDay,
  formatMs,
  formatPercent,
  formatSpend,
  powerLevelLabel,
} from './usage-format';
import { UsageForecastCard } from './usage-forecast-card';
import { customRangeProblem, RANGE_PRESETS, type RangePreset } from './usage-range';
import { UsageRequestTable } from './usage-request-table';
import { UsageSeries } from './usage-series';
import { type ShareRow, UsageShare } from './usage-share';
import { UsageStore } from './usage-store';

interface Kpi {
  readonly label: string;
  readonly value: string;
  readonly detail: string;
}

const shareOf = (item: UsageBreakdownItem, key: string, label: string, detail?: string): ShareRow => ({
  key,
  label,
  detail,
  requests: item.requests,
  tokens: item.totalTokens,
  chargedMicros: item.chargedMicros,
  shareOfRequests: item.shareOfRequests,
});

/** /app/usage: the caller's requests, tokens and spend over a range, where they went, and this month's outlook. */
@Component({
  selector: 'gw-usage-page',
  imports: [
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    PageState,
    UsageForecastCard,
    UsageRequestTable,
    UsageSeries,
    UsageShare,
  ],
  providers: [UsageStore],
  templateUrl: './usage-page.html',
  styleUrl: './usage-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class UsagePage implements OnInit {
  protected readonly store = inject(UsageStore);
  protected readonly presets = RANGE_PRESETS;

  /** The preset shown as selected; "custom" shows the date fields before anything loads. */
  protected readonly preset = signal<RangePreset>(this.store.choice().preset);
  protected readonly customFrom = signal('');
  protected readonly customTo = signal('');
  protected readonly customProblem = signal<string | null>(null);

  protected readonly rangeText = computed(() => {
    const r = this.store.range();
    if (!r) return '';
    const to = new Date(new Date(r.query.to).getTime() - 1).toISOString();
    return `${formatDay(r.query.from)} – ${formatDay(to)}`;
  });

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

  protected readonly providerRows = computed<readonly ShareRow[]>(
    () =>
      this.store.dashboard()?.providers.data.map((i) => shareOf(i, i.provider ?? '', i.provider ?? '—')) ??
      [],
  );
  protected readonly modelRows = computed<readonly ShareRow[]>(
    () =>
      this.store
        .dashboard()
        ?.models.data.map((i) => shareOf(i, `${i.provider}/${i.model}`, i.model ?? '—', i.provider)) ?? [],
  );
  protected readonly powerLevelRows = computed<readonly ShareRow[]>(
    () =>
      this.store
        .dashboard()
        ?.powerLevels.data.map((i) => shareOf(i, i.powerLevel ?? '', powerLevelLabel(i.powerLevel ?? ''))) ??
      [],
  );
  protected readonly keySourceRows = computed<readonly ShareRow[]>(() => {
    const s = this.store.dashboard()?.summary;
    if (!s) return [];
    return [
      { ...s.byok, key: 'byok', label: 'Your provider keys (BYOK)' },
      { ...s.platform, key: 'platform', label: 'Platform keys' },
    ].map((k) => ({
      key: k.key,
      label: k.label,
      requests: k.requests,
      tokens: k.totalTokens,
      chargedMicros: k.chargedMicros,
      shareOfRequests: k.shareOfRequests,
    }));
  });
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

  protected choosePreset(preset: RangePreset): void {
    this.preset.set(preset);
    this.customProblem.set(null);
    if (preset !== 'custom') {
      this.store.choose({ preset });
      return;
    }
    // Start the date fields at the range on screen.
    const r = this.store.range();
    if (r && !this.customFrom()) {
      this.customFrom.set(r.query.from.slice(0, 10));
      this.customTo.set(new Date(new Date(r.query.to).getTime() - 1).toISOString().slice(0, 10));
    }
  }

  protected applyCustomRange(): void {
    const problem = customRangeProblem(this.customFrom(), this.customTo());
    this.customProblem.set(problem);
    if (problem === null)
      this.store.choose({ preset: 'custom', customFrom: this.customFrom(), customTo: this.customTo() });
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
