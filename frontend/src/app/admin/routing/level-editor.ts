import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatChipsModule, type MatChipListboxChange } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSliderModule } from '@angular/material/slider';
import { formatMicros, parseDollars } from '../../shared/money';
import type { RoutingStrategy } from './routing-api';
import { LIMITS, wholeIn } from './routing-checks';
import { STRATEGY_LABELS, WEIGHT_KEYS, type Level, type WeightKey } from './routing-draft';
import { ChainEditor } from './chain-editor';
import { RoutingErrors } from './routing-errors';
import { RoutingStore } from './routing-store';

const WEIGHT_LABELS: Readonly<Record<WeightKey, string>> = {
  cost: 'Cost',
  latency: 'Latency',
  quality: 'Quality',
};
const STRATEGIES: readonly RoutingStrategy[] = ['cost', 'latency', 'balanced', 'custom'];
const CAP = LIMITS.latencyCapMs;

/** "$0.001000" → "0.001": a micro-dollar amount as the dollars a user would type. */
const dollarsText = (micros: string): string =>
  formatMicros(micros, 6)
    .replace(/[$,]/g, '')
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');

/**
 * One power level's settings: strategy, weights (sliders that keep their sum at 1), max price,
 * latency bound and cap, preferred providers, and its fallback chain.
 */
@Component({
  selector: 'gw-level-editor',
  imports: [
    ChainEditor,
    DecimalPipe,
    MatChipsModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatSliderModule,
  ],
  templateUrl: './level-editor.html',
  styleUrl: './level-editor.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LevelEditor {
  readonly level = input.required<Level>();

  protected readonly store = inject(RoutingStore);
  protected readonly errors = inject(RoutingErrors);
  protected readonly weightKeys = WEIGHT_KEYS;
  protected readonly weightLabels = WEIGHT_LABELS;
  protected readonly strategies = STRATEGIES;
  protected readonly strategyLabels = STRATEGY_LABELS;
  protected readonly dollarsText = dollarsText;
  protected readonly cap = CAP;

  protected readonly policy = computed(() => this.store.draft()?.levels[this.level()] ?? null);

  protected setWeight(key: WeightKey, value: number | null): void {
    if (value !== null && Number.isFinite(value)) this.store.setWeight(this.level(), key, value);
  }

  protected setMaxPrice(text: string): void {
    const micros = parseDollars(text);
    this.errors.check(
      `${this.level()}.maxPrice`,
      micros === null ? 'Enter an amount in dollars, e.g. 0.002' : null,
    );
    if (micros !== null) this.store.setMaxPrice(this.level(), micros);
  }

  protected setLatencyBound(text: string): void {
    const ms = wholeIn(text, 1, 600_000);
    this.errors.check(
      `${this.level()}.latency`,
      ms === null ? 'A whole number of milliseconds from 1 to 600,000' : null,
    );
    if (ms !== null) this.store.setLatencyBound(this.level(), ms);
  }

  protected setLatencyCap(text: string): void {
    const ms = wholeIn(text, CAP.min, CAP.max);
    this.errors.check(
      `levels.${this.level()}.latencyCapMs`,
      ms === null ? `A whole number of milliseconds from ${CAP.min} to 600,000` : null,
    );
    if (ms !== null) this.store.setLatencyCap(this.level(), ms);
  }

  protected setPreferred(change: MatChipListboxChange): void {
    const value: unknown = change.value;
    this.store.setPreferredProviders(this.level(), Array.isArray(value) ? (value as string[]) : []);
  }
}
