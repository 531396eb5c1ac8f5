import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, type FormControl, type FormGroup } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ApiError } from '../../core/http/api-error';
import { PageState } from '../../shared/page-state';
import {
  LIMIT_FIELDS,
  LIMIT_LABELS,
  limitText,
  parseLimit,
  rateLimitsChanges,
  TIER_LABELS,
  TIERS,
  validators,
  type LimitField,
} from './policy-format';
import { historyEntries, PolicyHistory, PolicyVersion } from './policy-history';
import type { RateLimitPolicy, RateLimitsPatch, Tier } from './tiers-api';
import { TiersStore } from './tiers-store';

type LimitsForm = FormGroup<Record<LimitField, FormControl<string>>>;

/** Rate limits per tier: requests per minute / hour / day and tokens per minute; empty = unlimited. */
@Component({
  selector: 'gw-rate-limits-card',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    PageState,
    PolicyHistory,
    PolicyVersion,
  ],
  templateUrl: './rate-limits-card.html',
  styleUrl: './policy-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RateLimitsCard {
  protected readonly section = inject(TiersStore).rateLimits;
  private readonly fb = inject(FormBuilder);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly tiers = TIERS;
  protected readonly fields = LIMIT_FIELDS;
  protected readonly tierLabels = TIER_LABELS;
  protected readonly fieldLabels = LIMIT_LABELS;
  protected readonly form = this.fb.nonNullable.group(
    Object.fromEntries(
      TIERS.map((tier) => [
        tier,
        this.fb.nonNullable.group(
          Object.fromEntries(
            LIMIT_FIELDS.map((f) => [f, this.fb.nonNullable.control('', validators.limit)]),
          ) as Record<LimitField, FormControl<string>>,
        ),
      ]),
    ) as Record<Tier, LimitsForm>,
  );
  protected readonly saveError = signal<string | null>(null);
  protected readonly status = signal<string | null>(null);
  protected readonly history = computed(() =>
    historyEntries(this.section.history(), (a, b) => rateLimitsChanges(a.tiers, b.tiers)),
  );

  constructor() {
    effect(() => {
      const current = this.section.current();
      if (current) this.reset(current.tiers);
    });
  }

  protected tierForm(tier: Tier): LimitsForm {
    return this.form.controls[tier];
  }

  protected discard(): void {
    const current = this.section.current();
    if (current) this.reset(current.tiers);
    this.saveError.set(null);
  }

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.saveError.set('Fix the highlighted fields first.');
      return;
    }
    if (this.section.saving()) return;
    this.saveError.set(null);
    this.status.set(null);
    try {
      const outcome = await this.section.save(this.patch());
      if (outcome.kind === 'saved') {
        this.status.set(`Saved the rate limits as version ${outcome.version}.`);
        this.snackBar.open(`Rate limits saved (version ${outcome.version})`, 'OK', { duration: 4000 });
      } else {
        this.snackBar.dismiss(); // a success shown before is not the news now
      }
    } catch (e) {
      this.saveError.set(e instanceof ApiError ? e.describe() : 'Something went wrong.');
    }
  }

  private patch(): RateLimitsPatch {
    const raw = this.form.getRawValue();
    return Object.fromEntries(
      TIERS.map((tier) => [
        tier,
        Object.fromEntries(LIMIT_FIELDS.map((f) => [f, parseLimit(raw[tier][f]) ?? null])),
      ]),
    ) as RateLimitsPatch;
  }

  private reset(policy: RateLimitPolicy): void {
    this.form.reset(
      Object.fromEntries(
        TIERS.map((tier) => [
          tier,
          Object.fromEntries(LIMIT_FIELDS.map((f) => [f, limitText(policy[tier][f])])),
        ]),
      ) as Record<Tier, Record<LimitField, string>>,
    );
    this.form.markAsPristine();
  }
}
