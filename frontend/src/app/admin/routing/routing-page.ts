import { DatePipe, DecimalPipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, type OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatChipsModule, type MatChipListboxChange } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSliderModule } from '@angular/material/slider';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { formatMicros, parseDollars } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import type { RoutingStrategy, Tier } from './routing-api';
import {
  changesBetween,
  draftOf,
  FALLBACK_LABELS,
  FALLBACK_REASONS,
  POWER_LEVELS,
  STRATEGY_LABELS,
  WEIGHT_KEYS,
  type Level,
  type WeightKey,
} from './routing-draft';
import { RoutingStore } from './routing-store';
import { PreviewLevelView } from './preview-level';

const LEVEL_LABELS: Readonly<Record<Level, string>> = {
  eco: 'Eco',
  balanced: 'Balanced',
  precision: 'Precision',
};
const WEIGHT_LABELS: Readonly<Record<WeightKey, string>> = {
  cost: 'Cost',
  latency: 'Latency',
  quality: 'Quality',
};
const STRATEGIES: readonly RoutingStrategy[] = ['cost', 'latency', 'balanced', 'custom'];
const TIERS: readonly Tier[] = ['free', 'starter', 'professional', 'enterprise'];

/** "$0.001000" → "0.001": a micro-dollar amount as the dollars a user would type. */
const dollarsText = (micros: string): string =>
  formatMicros(micros, 6)
    .replace(/[$,]/g, '')
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');

/**
 * /admin/routing — the routing policy: per power level the strategy, weights (sliders that keep their
 * sum at 1), max price, latency bound and preferred providers; max attempts and fallback triggers; a
 * live preview of the draft against the saved policy; save with If-Match; the version history.
 */
@Component({
  selector: 'gw-routing-page',
  imports: [
    DatePipe,
    DecimalPipe,
    JsonPipe,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatChipsModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSliderModule,
    MatTabsModule,
    PageState,
    PreviewLevelView,
  ],
  providers: [RoutingStore],
  templateUrl: './routing-page.html',
  styleUrl: './routing-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class RoutingPage implements OnInit {
  protected readonly store = inject(RoutingStore);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly levels = POWER_LEVELS;
  protected readonly levelLabels = LEVEL_LABELS;
  protected readonly weightKeys = WEIGHT_KEYS;
  protected readonly weightLabels = WEIGHT_LABELS;
  protected readonly strategies = STRATEGIES;
  protected readonly strategyLabels = STRATEGY_LABELS;
  protected readonly tiers = TIERS;
  protected readonly fallbackReasons = FALLBACK_REASONS;
  protected readonly fallbackLabels = FALLBACK_LABELS;
  protected readonly dollarsText = dollarsText;

  /** Field problems by field key (`eco.maxPrice`, `maxAttempts`…): the draft keeps its last valid value. */
  protected readonly fieldErrors = signal<Readonly<Record<string, string>>>({});
  protected readonly saveError = signal<string | null>(null);
  protected readonly hasFieldErrors = computed(() => Object.keys(this.fieldErrors()).length > 0);

  /** History entries with what each changed against the one before it. */
  protected readonly historyEntries = computed(() => {
    const versions = this.store.history();
    return versions.map((v, i) => {
      const older = versions[i + 1];
      return {
        version: v,
        changes: older ? changesBetween(draftOf(older.policy), draftOf(v.policy)) : null,
      };
    });
  });

  ngOnInit(): void {
    void this.store.load();
  }

  protected previewLevel(level: Level) {
    return this.store.preview()?.levels.find((l) => l.powerLevel === level) ?? null;
  }

  protected setWeight(level: Level, key: WeightKey, value: number | null): void {
    if (value !== null && Number.isFinite(value)) this.store.setWeight(level, key, value);
  }

  protected setMaxPrice(level: Level, text: string): void {
    const micros = parseDollars(text);
    this.check(`${level}.maxPrice`, micros === null ? 'Enter an amount in dollars, e.g. 0.002' : null);
    if (micros !== null) this.store.setMaxPrice(level, micros);
  }

  protected setLatencyBound(level: Level, text: string): void {
    const ms = Number(text);
    const ok = text.trim() !== '' && Number.isInteger(ms) && ms >= 1 && ms <= 600_000;
    this.check(`${level}.latency`, ok ? null : 'A whole number of milliseconds from 1 to 600,000');
    if (ok) this.store.setLatencyBound(level, ms);
  }

  protected setPreferred(level: Level, change: MatChipListboxChange): void {
    const value: unknown = change.value;
    this.store.setPreferredProviders(level, Array.isArray(value) ? (value as string[]) : []);
  }

  protected setMaxAttempts(text: string): void {
    const n = Number(text);
    const ok = text.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= 10;
    this.check('maxAttempts', ok ? null : 'A whole number from 1 to 10');
    if (ok) this.store.setMaxAttempts(n);
  }

  protected setAttemptTimeout(text: string): void {
    const ms = Number(text);
    const ok = text.trim() !== '' && Number.isInteger(ms) && ms >= 1_000 && ms <= 600_000;
    this.check('attemptTimeout', ok ? null : 'A whole number of milliseconds from 1,000 to 600,000');
    if (ok) this.store.setAttemptTimeout(ms);
  }

  protected async save(): Promise<void> {
    this.saveError.set(null);
    const outcome = await this.store.save();
    if (outcome.kind === 'saved')
      this.snackBar.open(`Routing policy saved: version ${outcome.version}`, 'OK', { duration: 5000 });
    else if (outcome.kind === 'failed') this.saveError.set(outcome.error.describe());
  }

  protected discard(): void {
    this.fieldErrors.set({});
    this.saveError.set(null);
    this.store.discard();
  }

  protected reload(): void {
    this.fieldErrors.set({});
    this.saveError.set(null);
    void this.store.load();
  }

  private check(key: string, error: string | null): void {
    this.fieldErrors.update((errors) => {
      const next = { ...errors };
      if (error === null) delete next[key];
      else next[key] = error;
      return next;
    });
  }
}
