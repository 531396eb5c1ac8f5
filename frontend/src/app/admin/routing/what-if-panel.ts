import { DatePipe, DecimalPipe, NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { ChartConfiguration } from 'chart.js';
import { colorAt, formatCount, POWER_LEVEL_LABELS, powerLevelLabel } from '../../portal/usage/usage-format';
import { ChartView } from '../../shared/chart';
import { formatMicros } from '../../shared/money';
import type { PowerLevel, WhatIfJob, WhatIfResult } from './routing-api';
import { POWER_LEVELS } from './routing-draft';
import { WhatIfStore } from './what-if-store';
import {
  changedRequests,
  compareRows,
  moneyChange,
  moneyDigits,
  rankingText,
  routeNote,
  WHAT_IF_PRESETS,
  type ComparedRow,
  type WhatIfPreset,
} from './what-if-view';

/** Providers shown in the chart; the rest are in the table below it. */
const CHART_ROWS = 8;

/**
 * The routing page's "What if" panel: pick a range (and optionally one power level for everyone, or
 * today's catalog), replay the draft over the recorded requests of that range, and compare: what was
 * charged and paid then against what the draft would have, where the requests would have gone, how
 * many would change, and a sample of changed requests. Nothing is called upstream and nothing is
 * written; "Save policy" saves the draft that was replayed.
 */
@Component({
  selector: 'gw-what-if-panel',
  imports: [
    ChartView,
    DatePipe,
    DecimalPipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    NgTemplateOutlet,
  ],
  templateUrl: './what-if-panel.html',
  styleUrl: './what-if-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WhatIfPanel {
  protected readonly store = inject(WhatIfStore);

  /** The draft differs from the saved policy and may be saved. */
  readonly canSave = input(false);
  readonly saving = input(false);
  readonly save = output<void>();

  protected readonly presets = WHAT_IF_PRESETS;
  protected readonly levels = POWER_LEVELS;
  protected readonly levelLabels = POWER_LEVEL_LABELS;
  protected readonly customFrom = signal('');
  protected readonly customTo = signal('');

  protected readonly view = computed(() => {
    const r = this.store.result();
    return r ? viewOf(r) : null;
  });

  protected readonly chart = computed<ChartConfiguration | null>(() => {
    const v = this.view();
    if (!v || v.providers.length === 0) return null;
    const rows = v.providers.slice(0, CHART_ROWS);
    return {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.key),
        datasets: [
          {
            label: 'Requests, as served',
            data: rows.map((r) => r.requestsBefore),
            backgroundColor: colorAt(0),
          },
          {
            label: 'Requests, under the draft',
            data: rows.map((r) => r.requestsAfter),
            backgroundColor: colorAt(1),
          },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    };
  });

  protected readonly chartHeight = computed(
    () => `${72 + 36 * Math.min(CHART_ROWS, this.view()?.providers.length ?? 0)}px`,
  );

  protected choosePreset(preset: WhatIfPreset): void {
    this.store.setRange({ preset, customFrom: this.customFrom(), customTo: this.customTo() });
  }

  protected setCustom(which: 'from' | 'to', value: string): void {
    (which === 'from' ? this.customFrom : this.customTo).set(value);
    this.store.setRange({ preset: 'custom', customFrom: this.customFrom(), customTo: this.customTo() });
  }

  protected setLevel(value: PowerLevel | 'own'): void {
    this.store.setPowerLevel(value === 'own' ? null : value);
  }

  /** What the run changed besides the policy: ", all at Eco, with today's catalog". */
  protected scopeOf(job: WhatIfJob): string {
    const level = job.request.powerLevel;
    return (
      (level ? `, all at ${powerLevelLabel(level)}` : '') +
      (job.request.catalog === 'now' ? ", with today's catalog" : '')
    );
  }

  /** The breakdown template's rows, typed (template context variables are untyped). */
  protected asRows(rows: readonly ComparedRow[]): readonly ComparedRow[] {
    return rows;
  }

  protected count(n: number): string {
    return formatCount(n);
  }
}

/** What the template shows of a result: money formatted to one scale per table, the rows compared. */
function viewOf(r: WhatIfResult) {
  const digits = moneyDigits([
    r.before.chargeMicros,
    r.after.chargeMicros,
    r.before.costMicros,
    r.after.costMicros,
  ]);
  const money = (m: string): string => formatMicros(m, digits);
  const providers = compareRows(r.before.byProvider, r.after.byProvider);
  const models = compareRows(r.before.byModel, r.after.byModel);
  const rowDigits = moneyDigits([...providers, ...models].flatMap((p) => [p.chargeBefore, p.chargeAfter]));
  const changedAny = changedRequests(r);
  return {
    requests: r.requests,
    changed: r.changed,
    changedAny,
    totals: [
      {
        label: 'Charged to users',
        before: money(r.before.chargeMicros),
        after: money(r.after.chargeMicros),
        change: moneyChange(r.before.chargeMicros, r.after.chargeMicros, digits),
      },
      {
        label: 'Provider cost',
        before: money(r.before.costMicros),
        after: money(r.after.costMicros),
        change: moneyChange(r.before.costMicros, r.after.costMicros, digits),
      },
    ],
    providers,
    models,
    rowMoney: (m: string): string => formatMicros(m, rowDigits),
    sample: r.sample.map((s) => {
      const sampleDigits = moneyDigits([s.before.chargeMicros, s.after.chargeMicros]);
      return {
        ...s,
        beforeCharge: formatMicros(s.before.chargeMicros, sampleDigits),
        afterCharge: formatMicros(s.after.chargeMicros, sampleDigits),
        beforeRanking: rankingText(s.before),
        beforeNote: routeNote(s.before),
        afterRanking: rankingText(s.after),
        afterNote: routeNote(s.after),
      };
    }),
  };
}
