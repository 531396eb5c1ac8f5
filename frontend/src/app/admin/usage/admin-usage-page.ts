import { ChangeDetectionStrategy, Component, computed, inject, type OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { PageState } from '../../shared/page-state';
import type { ExportFormat, Grain, UsageBreakdownItem, UsageRangeQuery } from '../../portal/usage/usage-api';
import {
  formatCompact,
  formatCount,
  formatDay,
  formatMs,
  formatPercent,
  formatSpend,
  powerLevelLabel,
} from '../../portal/usage/usage-format';
import { customRangeProblem, RANGE_PRESETS, type RangePreset } from '../../portal/usage/usage-range';
import { UsageSeries } from '../../portal/usage/usage-series';
import { type ShareRow, UsageShare } from '../../portal/usage/usage-share';
import { formatMarginRate, marginMicros, marginRate } from './admin-usage-format';
import { AdminUsageStore } from './admin-usage-store';
import { CostChargeChart } from './cost-charge-chart';
import { TopSpenders } from './top-spenders';

interface Tile {
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

/** /admin/usage: every user's usage over a range: totals, margin, charts, breakdowns, top spenders, export. */
@Component({
  selector: 'gw-admin-usage-page',
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    PageState,
    UsageSeries,
    UsageShare,
    CostChargeChart,
    TopSpenders,
  ],
  providers: [AdminUsageStore],
  templateUrl: './admin-usage-page.html',
  styleUrl: './admin-usage-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AdminUsagePage implements OnInit {
  protected readonly store = inject(AdminUsageStore);
  protected readonly presets = RANGE_PRESETS;

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
      { ...s.byok, key: 'byok', label: "Users' own keys (BYOK)" },
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

  protected choosePreset(preset: RangePreset): void {
    this.preset.set(preset);
    this.customProblem.set(null);
    if (preset !== 'custom') {
      this.store.choose({ preset });
      return;
    }
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
}
