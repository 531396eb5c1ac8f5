import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import {
  FormBuilder,
  ReactiveFormsModule,
  Validators,
  type AbstractControl,
  type FormControl,
  type FormGroup,
  type ValidationErrors,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ApiError } from '../../core/http/api-error';
import { PageState } from '../../shared/page-state';
import { LEVEL_LABELS, POWER_LEVELS, TIER_LABELS, TIERS, tierRulesChanges } from './policy-format';
import { historyEntries, PolicyHistory, PolicyVersion } from './policy-history';
import type { PowerLevel, Tier, TierPolicy } from './tiers-api';
import { TiersStore } from './tiers-store';

type TierForm = FormGroup<{
  levels: FormGroup<Record<PowerLevel, FormControl<boolean>>>;
  byokAllowed: FormControl<boolean>;
  keysPerProvider: FormControl<number>;
}>;

const oneLevel = (group: AbstractControl): ValidationErrors | null =>
  Object.values((group as FormGroup).value).some(Boolean) ? null : { noLevel: true };

/** Tier rules: per tier the power levels it may use and whether (how many) own provider keys. */
@Component({
  selector: 'gw-tier-rules-card',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    PageState,
    PolicyHistory,
    PolicyVersion,
  ],
  templateUrl: './tier-rules-card.html',
  styleUrl: './policy-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TierRulesCard {
  protected readonly section = inject(TiersStore).tierRules;
  private readonly fb = inject(FormBuilder);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly tiers = TIERS;
  protected readonly levels = POWER_LEVELS;
  protected readonly tierLabels = TIER_LABELS;
  protected readonly levelLabels = LEVEL_LABELS;
  protected readonly form = this.fb.nonNullable.group(
    Object.fromEntries(
      TIERS.map((tier) => [
        tier,
        this.fb.nonNullable.group({
          levels: this.fb.nonNullable.group(
            Object.fromEntries(POWER_LEVELS.map((l) => [l, this.fb.nonNullable.control(false)])) as Record<
              PowerLevel,
              FormControl<boolean>
            >,
            { validators: oneLevel },
          ),
          byokAllowed: this.fb.nonNullable.control(false),
          keysPerProvider: this.fb.nonNullable.control(0, [
            Validators.required,
            Validators.min(1),
            Validators.max(100),
            Validators.pattern(/^\d+$/),
          ]),
        }),
      ]),
    ) as Record<Tier, TierForm>,
  );
  protected readonly saveError = signal<string | null>(null);
  protected readonly status = signal<string | null>(null);
  protected readonly history = computed(() =>
    historyEntries(this.section.history(), (a, b) => tierRulesChanges(a.tiers, b.tiers)),
  );

  constructor() {
    effect(() => {
      const current = this.section.current();
      if (current) this.reset(current.tiers);
    });
  }

  protected tierForm(tier: Tier): TierForm {
    return this.form.controls[tier];
  }

  /** BYOK off: no keys (0, locked); on: at least one. */
  protected toggleByok(tier: Tier): void {
    const group = this.tierForm(tier);
    const keys = group.controls.keysPerProvider;
    if (group.controls.byokAllowed.value) {
      keys.enable();
      if (keys.value < 1) keys.setValue(1);
    } else {
      keys.setValue(0);
      keys.disable();
    }
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
      const outcome = await this.section.save(this.policy());
      if (outcome.kind === 'saved') {
        this.status.set(`Saved the tier rules as version ${outcome.version}.`);
        this.snackBar.open(`Tier rules saved (version ${outcome.version})`, 'OK', { duration: 4000 });
      } else {
        this.snackBar.dismiss(); // a success shown before is not the news now
      }
    } catch (e) {
      this.saveError.set(e instanceof ApiError ? e.describe() : 'Something went wrong.');
    }
  }

  private policy(): TierPolicy {
    const raw = this.form.getRawValue();
    return Object.fromEntries(
      TIERS.map((tier) => {
        const t = raw[tier];
        const allowed = t.byokAllowed;
        return [
          tier,
          {
            powerLevels: POWER_LEVELS.filter((l) => t.levels[l]),
            byok: { allowed, keysPerProvider: allowed ? Number(t.keysPerProvider) : 0 },
          },
        ];
      }),
    ) as TierPolicy;
  }

  private reset(policy: TierPolicy): void {
    for (const tier of TIERS) {
      const rules = policy[tier];
      const group = this.tierForm(tier);
      group.reset({
        levels: Object.fromEntries(POWER_LEVELS.map((l) => [l, rules.powerLevels.includes(l)])) as Record<
          PowerLevel,
          boolean
        >,
        byokAllowed: rules.byok.allowed,
        keysPerProvider: rules.byok.keysPerProvider,
      });
      if (rules.byok.allowed) group.controls.keysPerProvider.enable();
      else group.controls.keysPerProvider.disable();
    }
    this.form.markAsPristine();
  }
}
