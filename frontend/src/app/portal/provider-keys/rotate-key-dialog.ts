import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { keyFormatValidator } from './key-format';
import { KeySecretField } from './key-secret-field';
import type { KeyView } from './provider-keys-api';
import { ProviderKeysStore } from './provider-keys-store';
import { asApiError } from '../../core/http/api-error';

export interface RotateKeyDialogData {
  readonly key: KeyView;
  readonly providerName: string;
  readonly keyFormat: string;
}

/** Replaces a stored key's secret (checked with the provider first); closes with the rotated KeyView. */
@Component({
  selector: 'gw-rotate-key-dialog',
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatProgressBarModule, KeySecretField],
  template: `
    <h2 mat-dialog-title>Rotate {{ data.providerName }} key</h2>
    <form (ngSubmit)="rotate()" novalidate>
      <mat-dialog-content class="content">
        <p>
          Replaces the secret of <strong>{{ data.key.label || data.key.masked }}</strong> ({{
            data.key.masked
          }}). Requests use the new key as soon as it is saved; the provider is asked to accept it first.
        </p>
        <gw-key-secret-field [control]="apiKey" label="New API key" [hint]="data.keyFormat" />
        @if (busy()) {
          <mat-progress-bar mode="indeterminate" aria-label="Rotating the key" />
        }
        <div aria-live="assertive">
          @if (error(); as message) {
            <span class="gw-error">{{ message }}</span>
          }
        </div>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="busy()">Rotate key</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .content {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RotateKeyDialog {
  private readonly store = inject(ProviderKeysStore);
  private readonly dialogRef = inject<MatDialogRef<RotateKeyDialog, KeyView>>(MatDialogRef);
  protected readonly data = inject<RotateKeyDialogData>(MAT_DIALOG_DATA);
  protected readonly apiKey = new FormControl('', { nonNullable: true, validators: keyFormatValidator });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async rotate(): Promise<void> {
    if (this.apiKey.invalid) {
      this.apiKey.markAsTouched();
      return;
    }
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      this.dialogRef.close(await this.store.rotate(this.data.key.id, this.apiKey.value));
    } catch (e) {
      this.error.set(asApiError(e).describe());
    } finally {
      this.busy.set(false);
    }
  }
}
