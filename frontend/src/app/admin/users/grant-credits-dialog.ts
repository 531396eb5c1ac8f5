import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import {
  type AbstractControl,
  FormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ApiError } from '../../core/http/api-error';
import { formatMicros, parseDollars } from '../../shared/money';
import type { CreditGrantView } from './admin-users-api';
import { UserStore } from './user-store';

export interface GrantCreditsDialogData {
  readonly name: string;
}

/** The most one grant may give: $1,000,000 (a typo guard, not a product rule). */
const MAX_GRANT_MICROS = 1_000_000_000_000n;

/** A positive dollar amount with at most six decimals. */
export function amountValidator(control: AbstractControl<string>): ValidationErrors | null {
  const text = control.value?.trim() ?? '';
  if (!text) return { required: true };
  const micros = parseDollars(text);
  if (micros === null) return { amount: 'Enter dollars, e.g. 5 or 12.50.' };
  if (micros <= 0n) return { amount: 'Enter more than $0.' };
  if (micros > MAX_GRANT_MICROS) return { amount: `At most ${formatMicros(MAX_GRANT_MICROS)} at a time.` };
  return null;
}

/** Grants credits in dollars (sent as exact micro-dollars) with a reason. Closes with the grant. */
@Component({
  selector: 'gw-grant-credits-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  template: `
    <h2 mat-dialog-title>Grant credits to {{ data.name }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="content">
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Amount in dollars</mat-label>
          <span matTextPrefix>$&nbsp;</span>
          <input matInput formControlName="amount" inputmode="decimal" autocomplete="off" required />
          @if (preview(); as p) {
            <mat-hint>Adds {{ p }} to the balance.</mat-hint>
          }
          @if (form.controls.amount.hasError('required')) {
            <mat-error>Enter an amount.</mat-error>
          } @else if (form.controls.amount.errors?.['amount']; as problem) {
            <mat-error>{{ problem }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Reason</mat-label>
          <textarea matInput formControlName="reason" rows="2" maxlength="500" required></textarea>
          <mat-hint>Kept in the user’s ledger and the audit log, e.g. “support ticket 1234”.</mat-hint>
          @if (form.controls.reason.hasError('required')) {
            <mat-error>Give a reason.</mat-error>
          }
        </mat-form-field>
        @if (saving()) {
          <mat-progress-bar mode="indeterminate" aria-label="Granting credits" />
        }
        <p class="feedback gw-error" aria-live="assertive">{{ error() }}</p>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()">Grant credits</button>
      </mat-dialog-actions>
    </form>
  `,
  styleUrl: './user-dialogs.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GrantCreditsDialog {
  private readonly store = inject(UserStore);
  private readonly ref = inject<MatDialogRef<GrantCreditsDialog, CreditGrantView>>(MatDialogRef);
  protected readonly data = inject<GrantCreditsDialogData>(MAT_DIALOG_DATA);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    amount: ['', amountValidator],
    reason: ['', [Validators.required, Validators.maxLength(500)]],
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  /** One key per dialog: a double submit or a retry after a lost answer grants once. */
  private readonly idempotencyKey = `portal-${crypto.randomUUID()}`;

  protected preview(): string | null {
    const micros = this.form.controls.amount.valid ? parseDollars(this.form.controls.amount.value) : null;
    return micros === null ? null : formatMicros(micros, micros % 10_000n === 0n ? 2 : 6);
  }

  protected async save(): Promise<void> {
    const reason = this.form.controls.reason.value.trim();
    if (!reason) this.form.controls.reason.setErrors({ required: true });
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (this.saving()) return;
    const micros = parseDollars(this.form.controls.amount.value)!;
    this.saving.set(true);
    this.error.set(null);
    try {
      this.ref.close(await this.store.grantCredits(micros.toString(), reason, this.idempotencyKey));
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.describe() : 'Something went wrong.');
    } finally {
      this.saving.set(false);
    }
  }
}
