import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, type FormControl, type FormGroup } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ApiError } from '../../core/http/api-error';
import { formatMicros, MoneyPipe, parseDollars } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import {
  billingChanges,
  dollarsText,
  LEVEL_LABELS,
  multiplierText,
  parseMultiplier,
  parsePercent,
  percentText,
  POWER_LEVELS,
  TIER_LABELS,
  TIERS,
  validators,
} from './policy-format';
import { historyEntries, PolicyHistory, PolicyVersion } from './policy-history';
import type { BillingPolicyChanges, BillingPolicyView, PowerLevel, Tier } from './tiers-api';
import { TiersStore } from './tiers-store';

/** At most this many packages (the billing policy's limit). */
export const MAX_PACKAGES = 20;

type PackageForm = FormGroup<{
  id: FormControl<string>;
  price: FormControl<string>;
  credits: FormControl<string>;
}>;

/**
 * The billing policy: power-level multipliers, tier markups, the BYOK fee, sign-up credits, what a
 * credit is worth and the credit packages. Money is typed in dollars and sent as exact micro-dollars.
 */
@Component({
  selector: 'gw-billing-policy-card',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MoneyPipe,
    PageState,
    PolicyHistory,
    PolicyVersion,
  ],
  templateUrl: './billing-policy-card.html',
  styleUrl: './policy-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BillingPolicyCard {
  protected readonly section = inject(TiersStore).billing;
  private readonly fb = inject(FormBuilder);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly tiers = TIERS;
  protected readonly levels = POWER_LEVELS;
  protected readonly tierLabels = TIER_LABELS;
  protected readonly levelLabels = LEVEL_LABELS;
  protected readonly maxPackages = MAX_PACKAGES;

  protected readonly form = this.fb.nonNullable.group({
    multipliers: this.fb.nonNullable.group(
      Object.fromEntries(
        POWER_LEVELS.map((l) => [l, this.fb.nonNullable.control('', validators.multiplier)]),
      ) as Record<PowerLevel, FormControl<string>>,
    ),
    markups: this.fb.nonNullable.group(
      Object.fromEntries(TIERS.map((t) => [t, this.fb.nonNullable.control('', validators.markup)])) as Record<
        Tier,
        FormControl<string>
      >,
    ),
    byokFee: this.fb.nonNullable.control('', validators.byokFee),
    signupCredits: this.fb.nonNullable.control('', validators.dollars),
    creditValue: this.fb.nonNullable.control('', validators.positiveDollars),
    packages: this.fb.array<PackageForm>([]),
  });
  protected readonly saveError = signal<string | null>(null);
  protected readonly status = signal<string | null>(null);
  protected readonly history = computed(() =>
    historyEntries(this.section.history(), (a, b) => billingChanges(a, b)),
  );

  constructor() {
    effect(() => {
      const current = this.section.current();
      if (current) this.reset(current);
    });
  }

  protected get packages() {
    return this.form.controls.packages;
  }

  /** "$0.005 per credit" for a package row, when its price and credits are valid. */
  protected perCredit(row: PackageForm): string | null {
    const price = parseDollars(row.controls.price.value);
    const credits = Number(row.controls.credits.value);
    if (price === null || !Number.isInteger(credits) || credits < 1) return null;
    return `${formatMicros(price / BigInt(credits), 6)} per credit`;
  }

  protected addPackage(): void {
    if (this.packages.length >= MAX_PACKAGES) return;
    this.packages.push(this.packageRow('', '', ''));
    this.packages.markAsDirty();
  }

  protected removePackage(index: number): void {
    this.packages.removeAt(index);
    this.packages.markAsDirty();
  }

  protected discard(): void {
    const current = this.section.current();
    if (current) this.reset(current);
    this.saveError.set(null);
  }

  protected async save(): Promise<void> {
    const duplicate = this.duplicatePackageId();
    if (this.form.invalid || duplicate) {
      this.form.markAllAsTouched();
      this.saveError.set(
        duplicate
          ? `Two packages are named “${duplicate}”: give each its own id.`
          : 'Fix the highlighted fields first.',
      );
      return;
    }
    if (this.section.saving()) return;
    this.saveError.set(null);
    this.status.set(null);
    try {
      const outcome = await this.section.save(this.changes());
      if (outcome.kind === 'saved') {
        this.status.set(`Saved the billing policy as version ${outcome.version}.`);
        this.snackBar.open(`Billing policy saved (version ${outcome.version})`, 'OK', { duration: 4000 });
      } else {
        this.snackBar.dismiss(); // a success shown before is not the news now
      }
    } catch (e) {
      this.saveError.set(e instanceof ApiError ? e.describe() : 'Something went wrong.');
    }
  }

  private duplicatePackageId(): string | null {
    const seen = new Set<string>();
    for (const row of this.packages.controls) {
      const id = row.controls.id.value.trim();
      if (seen.has(id)) return id;
      seen.add(id);
    }
    return null;
  }

  /** The whole policy as the form says it, in the API's units (bps, micro-dollar strings). */
  private changes(): BillingPolicyChanges {
    const v = this.form.getRawValue();
    const micros = (text: string): string => (parseDollars(text) ?? 0n).toString();
    return {
      powerLevelMultiplierBps: Object.fromEntries(
        POWER_LEVELS.map((l) => [l, parseMultiplier(v.multipliers[l]) ?? 0]),
      ) as Record<PowerLevel, number>,
      tierMarkupBps: Object.fromEntries(TIERS.map((t) => [t, parsePercent(v.markups[t]) ?? 0])) as Record<
        Tier,
        number
      >,
      byokFeeBps: parsePercent(v.byokFee) ?? 0,
      signupCreditsMicros: micros(v.signupCredits),
      microsPerCredit: micros(v.creditValue),
      creditPackages: v.packages.map((p) => ({
        id: p.id.trim(),
        priceMicros: micros(p.price),
        credits: Number(p.credits.trim()),
      })),
    };
  }

  private packageRow(id: string, price: string, credits: string): PackageForm {
    return this.fb.nonNullable.group({
      id: this.fb.nonNullable.control(id, validators.packageId),
      price: this.fb.nonNullable.control(price, validators.positiveDollars),
      credits: this.fb.nonNullable.control(credits, validators.credits),
    });
  }

  private reset(policy: BillingPolicyView): void {
    this.packages.clear();
    for (const p of policy.creditPackages)
      this.packages.push(this.packageRow(p.id, dollarsText(p.priceMicros), String(p.credits)));
    this.form.reset({
      multipliers: Object.fromEntries(
        POWER_LEVELS.map((l) => [l, multiplierText(policy.powerLevelMultiplierBps[l])]),
      ) as Record<PowerLevel, string>,
      markups: Object.fromEntries(TIERS.map((t) => [t, percentText(policy.tierMarkupBps[t])])) as Record<
        Tier,
        string
      >,
      byokFee: percentText(policy.byokFeeBps),
      signupCredits: dollarsText(policy.signupCreditsMicros ?? '0'),
      creditValue: dollarsText(policy.microsPerCredit),
      packages: policy.creditPackages.map((p) => ({
        id: p.id,
        price: dollarsText(p.priceMicros),
        credits: String(p.credits),
      })),
    });
    this.form.markAsPristine();
  }
}
