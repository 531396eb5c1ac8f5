import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, type OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { POWER_LEVEL_LABELS } from '../../portal/usage/usage-format';
import { PageState } from '../../shared/page-state';
import type { Tier } from './routing-api';
import { BalancingEditor } from './balancing-editor';
import { LevelEditor } from './level-editor';
import { ProviderLimitsEditor } from './provider-limits-editor';
import { LIMITS, numberIn, wholeIn } from './routing-checks';
import {
  changesBetween,
  draftOf,
  FALLBACK_LABELS,
  FALLBACK_REASONS,
  POWER_LEVELS,
  type Level,
} from './routing-draft';
import { RoutingErrors } from './routing-errors';
import { RoutingStore } from './routing-store';
import { PreviewLevelView } from './preview-level';
import { UseCasesEditor } from './use-cases-editor';
import { WhatIfPanel } from './what-if-panel';
import { WhatIfStore } from './what-if-store';

const TIERS: readonly Tier[] = ['free', 'starter', 'professional', 'enterprise'];
const DEADLINE = LIMITS.requestDeadlineMs;

/**
 * /admin/routing — the routing policy: per power level the strategy, weights, max price, latency
 * bound and cap, preferred providers and fallback chain; attempts, deadline and fallback triggers;
 * use cases, load balancing and provider rate limits; a live preview of the draft against the saved
 * policy; a what-if replay of the draft over recorded requests; save with If-Match (a refused field is shown at the field); the version history.
 */
@Component({
  selector: 'gw-routing-page',
  imports: [
    BalancingEditor,
    DatePipe,
    JsonPipe,
    LevelEditor,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTabsModule,
    PageState,
    PreviewLevelView,
    ProviderLimitsEditor,
    UseCasesEditor,
    WhatIfPanel,
  ],
  providers: [RoutingStore, RoutingErrors, WhatIfStore],
  templateUrl: './routing-page.html',
  styleUrl: './routing-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class RoutingPage implements OnInit {
  protected readonly store = inject(RoutingStore);
  protected readonly errors = inject(RoutingErrors);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly levels = POWER_LEVELS;
  protected readonly levelLabels = POWER_LEVEL_LABELS;
  protected readonly tiers = TIERS;
  protected readonly fallbackReasons = FALLBACK_REASONS;
  protected readonly fallbackLabels = FALLBACK_LABELS;
  protected readonly deadline = DEADLINE;

  protected readonly saveError = signal<string | null>(null);
  /** The power-level tab shown (a refused level field switches to its tab). */
  protected readonly levelTab = signal(0);

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

  protected setMaxAttempts(text: string): void {
    const n = wholeIn(text, 1, 10);
    this.errors.check('maxAttempts', n === null ? 'A whole number from 1 to 10' : null);
    if (n !== null) this.store.setMaxAttempts(n);
  }

  protected setAttemptTimeout(text: string): void {
    const ms = wholeIn(text, 1_000, 600_000);
    this.errors.check(
      'attemptTimeout',
      ms === null ? 'A whole number of milliseconds from 1,000 to 600,000' : null,
    );
    if (ms !== null) this.store.setAttemptTimeout(ms);
  }

  protected setRequestDeadline(text: string): void {
    const ms = wholeIn(text, DEADLINE.min, DEADLINE.max);
    this.errors.check(
      'requestDeadlineMs',
      ms === null ? 'A whole number of milliseconds from 1,000 to 1,800,000' : null,
    );
    if (ms !== null) this.store.setRequestDeadline(ms);
  }

  protected setPreferenceBonus(text: string): void {
    const bonus = numberIn(text, 0, 1);
    this.errors.check('preferenceBonus', bonus === null ? 'A number from 0 to 1, e.g. 0.05' : null);
    if (bonus !== null) this.store.setPreferenceBonus(bonus);
  }

  protected async save(): Promise<void> {
    this.saveError.set(null);
    const outcome = await this.store.save();
    if (outcome.kind === 'saved')
      this.snackBar.open(`Routing policy saved: version ${outcome.version}`, 'OK', { duration: 5000 });
    else if (outcome.kind === 'failed') {
      const field = this.errors.fromServer(outcome.error);
      const level = /^(?:levels\.)?(eco|balanced|precision)\./.exec(field ?? '')?.[1] as Level | undefined;
      if (level) this.levelTab.set(POWER_LEVELS.indexOf(level));
      this.saveError.set(
        field ? `${outcome.error.describe()} (shown at the field)` : outcome.error.describe(),
      );
    }
  }

  protected discard(): void {
    this.errors.reset();
    this.saveError.set(null);
    this.store.discard();
  }

  protected reload(): void {
    this.errors.reset();
    this.saveError.set(null);
    void this.store.load();
  }
}
