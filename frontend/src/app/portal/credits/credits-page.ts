import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  type ValidationErrors,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { formatMicros, MoneyPipe, parseDollars } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import { CreditsApi, type CreditPackageView, type LedgerEntryView } from './credits-api';
import { bonusPercent, CreditsStore, purchaseEntry } from './credits-store';

const KIND_LABELS: Readonly<Record<LedgerEntryView['kind'], string>> = {
  admin: 'Grant',
  promotion: 'Promotion',
  purchase: 'Purchase',
  charge: 'Charge',
};

/** "about 12 days", "less than a day"; null when nothing was charged lately (no rate to go by). */
export function lastsText(daysOfCreditLeft: number | null): string | null {
  if (daysOfCreditLeft === null) return null;
  if (daysOfCreditLeft < 1) return 'less than a day';
  if (daysOfCreditLeft > 365) return 'more than a year';
  const days = Math.round(daysOfCreditLeft);
  return `about ${days.toLocaleString('en-US')} ${days === 1 ? 'day' : 'days'}`;
}

/** Spend as a share of the cap, 0–100, for the progress bar. */
export function capPercent(spendMicros: string, capMicros: string | null): number {
  if (capMicros === null) return 0;
  const cap = BigInt(capMicros);
  if (cap <= 0n) return 100;
  const pct = (BigInt(spendMicros) * 100n) / cap;
  return pct > 100n ? 100 : Number(pct);
}

/** Microdollars to an editable dollar amount ("2000000" → "2.00"). */
function dollarsText(micros: string | null): string {
  return micros === null
    ? ''
    : formatMicros(micros, 6)
        .replace(/[$,]/g, '')
        .replace(/(\.\d\d\d*?)0+$/, '$1');
}

const alertAmount = (control: AbstractControl<string>): ValidationErrors | null =>
  control.value.trim() === '' || parseDollars(control.value) !== null ? null : { amount: true };

const credits = new Intl.NumberFormat('en-US');

/** /app/credits: balance, month spend against the cap and how long credits last, buying more, the ledger. */
@Component({
  selector: 'gw-credits-page',
  imports: [
    DatePipe,
    DecimalPipe,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    MoneyPipe,
    PageState,
  ],
  providers: [CreditsApi, CreditsStore],
  templateUrl: './credits-page.html',
  styleUrl: './credits-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class CreditsPage {
  protected readonly store = inject(CreditsStore);
  /** Set when the checkout sends the browser back here (`?purchase=`). */
  readonly purchase = input<string | undefined>(undefined);

  protected readonly alert = new FormControl('', { nonNullable: true, validators: [alertAmount] });
  protected readonly alertForm = new FormGroup({ amount: this.alert });
  protected readonly columns = ['at', 'kind', 'description', 'amount'] as const;

  protected readonly lasts = computed(() => lastsText(this.store.forecast()?.daysOfCreditLeft ?? null));
  protected readonly capShare = computed(() => {
    const f = this.store.forecast();
    return f ? capPercent(f.monthToDateMicros, f.capMicros) : 0;
  });
  protected readonly reserved = computed(() => {
    const c = this.store.credits();
    return c !== null && c.reservedMicros !== '0' ? c.reservedMicros : null;
  });
  /** Back from the checkout: the payment, once the ledger shows it. */
  protected readonly returned = computed(() => {
    const id = this.purchase();
    if (!id) return null;
    return { id, entry: purchaseEntry(this.store.ledger(), id) ?? null };
  });

  constructor() {
    void this.store.load();
    effect(() => {
      const saved = this.store.alertMicros();
      this.alert.reset(dollarsText(saved), { emitEvent: false });
    });
    this.alert.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.store.alertEdited());
  }

  protected kindLabel(e: LedgerEntryView): string {
    return KIND_LABELS[e.kind];
  }

  /** Cents, or four decimals for an amount under a cent (most single charges). */
  protected digits(e: LedgerEntryView): number {
    const micros = BigInt(e.amountMicros);
    return (micros < 0n ? -micros : micros) < 10_000n ? 4 : 2;
  }

  protected isCredit(e: LedgerEntryView): boolean {
    return !e.amountMicros.startsWith('-');
  }

  protected creditsLabel(p: CreditPackageView): string {
    return `${credits.format(p.credits)} credits`;
  }

  protected buyLabel(p: CreditPackageView): string {
    return `Buy ${this.creditsLabel(p)} for ${formatMicros(p.priceMicros)}`;
  }

  protected bonus(p: CreditPackageView): number {
    return bonusPercent(p);
  }

  protected buy(p: CreditPackageView): void {
    void this.store.buy(p.id);
  }

  protected async saveAlert(): Promise<void> {
    if (this.alert.invalid) {
      this.alert.markAsTouched();
      return;
    }
    const text = this.alert.value.trim();
    const micros = text === '' ? null : parseDollars(text);
    await this.store.saveAlert(micros === null ? null : micros.toString());
  }

  protected async removeAlert(): Promise<void> {
    await this.store.saveAlert(null);
  }

  protected async checkAgain(): Promise<void> {
    await Promise.all([this.store.loadSummary(), this.store.reloadLedger()]);
  }
}
