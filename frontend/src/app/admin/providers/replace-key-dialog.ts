import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ProviderStore, outcomeOf, type TestOutcome } from './provider-store';
import type { ProviderView } from './providers-api';
import { SecretField } from './secret-field';
import { asApiError } from '../../core/http/api-error';

export interface ReplaceKeyDialogData {
  readonly providerName: string;
  /** The current key's masked form; null when it has none. */
  readonly masked: string | null;
}

/** Sets or replaces a provider's platform key, optionally testing it first. Closes with the provider. */
@Component({
  selector: 'gw-replace-key-dialog',
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatProgressBarModule, SecretField],
  template: `
    <h2 mat-dialog-title>
      {{ data.masked ? 'Replace' : 'Set' }} the platform key of {{ data.providerName }}
    </h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="content">
        @if (data.masked) {
          <p>
            Now: <code>{{ data.masked }}</code>. Requests use the new key as soon as it is saved.
          </p>
        }
        <gw-secret-field [control]="form.controls.apiKey" label="New platform key" />
        @if (busy()) {
          <mat-progress-bar
            mode="indeterminate"
            [attr.aria-label]="busy() === 'testing' ? 'Testing the key' : 'Saving the key'"
          />
        }
        <div class="feedback" role="status" aria-live="polite">
          @if (busy() === 'testing') {
            <span>Testing the key…</span>
          } @else if (result(); as r) {
            <span [class.ok]="r.ok" [class.gw-error]="!r.ok">{{ r.message }}</span>
          }
        </div>
        <div class="feedback" aria-live="assertive">
          @if (saveError(); as message) {
            <span class="gw-error">{{ message }}</span>
          }
        </div>
      </mat-dialog-content>
      <mat-dialog-actions align="end" class="actions">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-stroked-button type="button" (click)="testKey()" [disabled]="busy() !== null">
          Test key
        </button>
        <button mat-flat-button type="submit" [disabled]="busy() !== null">Save key</button>
      </mat-dialog-actions>
    </form>
  `,
  styleUrl: './provider-dialogs.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReplaceKeyDialog {
  private readonly store = inject(ProviderStore);
  private readonly dialogRef = inject<MatDialogRef<ReplaceKeyDialog, ProviderView>>(MatDialogRef);
  protected readonly data = inject<ReplaceKeyDialogData>(MAT_DIALOG_DATA);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    apiKey: ['', [Validators.required, Validators.minLength(8), Validators.maxLength(2000)]],
  });
  protected readonly busy = signal<'testing' | 'saving' | null>(null);
  protected readonly result = signal<TestOutcome | null>(null);
  protected readonly saveError = signal<string | null>(null);

  constructor() {
    this.form.controls.apiKey.valueChanges
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(() => this.result.set(null));
  }

  protected async testKey(): Promise<void> {
    const { apiKey } = this.form.controls;
    apiKey.markAsTouched();
    if (apiKey.invalid || this.busy()) return;
    this.busy.set('testing');
    this.result.set(null);
    try {
      this.result.set(outcomeOf(await this.store.tryKey(apiKey.value)));
    } catch (e) {
      this.result.set({ ok: false, message: asApiError(e).describe(), latencyMs: null });
    } finally {
      this.busy.set(null);
    }
  }

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (this.busy()) return;
    this.busy.set('saving');
    this.saveError.set(null);
    try {
      this.dialogRef.close(await this.store.replaceKey(this.form.controls.apiKey.value));
    } catch (e) {
      this.saveError.set(asApiError(e).describe());
    } finally {
      this.busy.set(null);
    }
  }
}
