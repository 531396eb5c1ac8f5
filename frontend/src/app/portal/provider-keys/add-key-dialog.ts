import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { baseUrlValidator, keyFormatValidator, modelsValidator, parseModels } from './key-format';
import { KeySecretField } from './key-secret-field';
import type { AddKeyBody, KeyProviderView, KeyView } from './provider-keys-api';
import { CUSTOM_PROVIDER, describeCheck, ProviderKeysStore } from './provider-keys-store';
import { asApiError } from '../../core/http/api-error';

export interface AddKeyDialogData {
  readonly provider: KeyProviderView;
}

interface Feedback {
  readonly ok: boolean;
  readonly message: string;
}

export const MAX_LABEL_LENGTH = 100;

/** Adds a key for one provider (fixed): label, the key, a live "Test connection", save. Closes with the saved KeyView. */
@Component({
  selector: 'gw-add-key-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    KeySecretField,
  ],
  templateUrl: './add-key-dialog.html',
  styleUrl: './add-key-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddKeyDialog {
  private readonly store = inject(ProviderKeysStore);
  private readonly dialogRef = inject<MatDialogRef<AddKeyDialog, KeyView>>(MatDialogRef);
  private readonly fb = inject(FormBuilder);
  protected readonly data = inject<AddKeyDialogData>(MAT_DIALOG_DATA);
  protected readonly custom = this.data.provider.provider === CUSTOM_PROVIDER;
  protected readonly title = this.custom
    ? 'Add an OpenAI-compatible endpoint'
    : `Add a key for ${this.data.provider.name}`;
  protected readonly maxLabel = MAX_LABEL_LENGTH;

  protected readonly form = this.fb.nonNullable.group({
    label: ['', Validators.maxLength(MAX_LABEL_LENGTH)],
    apiKey: ['', keyFormatValidator],
    baseUrl: ['', this.custom ? baseUrlValidator : []],
    models: ['', this.custom ? modelsValidator : []],
    validate: [true],
  });

  protected readonly busy = signal<'testing' | 'saving' | null>(null);
  /** The latest "Test connection" result (cleared when the key or endpoint changes). */
  protected readonly testResult = signal<Feedback | null>(null);
  protected readonly saveError = signal<string | null>(null);

  constructor() {
    const destroyRef = inject(DestroyRef);
    for (const name of ['apiKey', 'baseUrl', 'models'] as const)
      this.form.controls[name].valueChanges
        .pipe(takeUntilDestroyed(destroyRef))
        .subscribe(() => this.testResult.set(null));
  }

  protected async testConnection(): Promise<void> {
    const { apiKey, baseUrl, models } = this.form.controls;
    const needed = [apiKey, baseUrl, models];
    needed.forEach((c) => c.markAsTouched());
    if (needed.some((c) => c.invalid) || this.busy()) return;
    this.busy.set('testing');
    this.testResult.set(null);
    try {
      const check = await this.store.check({
        provider: this.data.provider.provider,
        apiKey: apiKey.value,
        ...(this.custom && { baseUrl: baseUrl.value.trim(), models: parseModels(models.value) }),
      });
      this.testResult.set({ ok: check.ok, message: describeCheck(check) });
    } catch (e) {
      this.testResult.set({ ok: false, message: asApiError(e).describe() });
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
    const v = this.form.getRawValue();
    const body: AddKeyBody = {
      provider: this.data.provider.provider,
      apiKey: v.apiKey,
      ...(v.label.trim() && { label: v.label.trim() }),
      validate: v.validate,
      ...(this.custom && { baseUrl: v.baseUrl.trim(), models: parseModels(v.models) }),
    };
    try {
      this.dialogRef.close(await this.store.add(body));
    } catch (e) {
      const error = asApiError(e);
      this.saveError.set(
        error.code === 'KEYS.KEY_VALIDATION_FAILED'
          ? `${error.describe()} Untick “Check the key with the provider” to save it unchecked.`
          : error.describe(),
      );
    } finally {
      this.busy.set(null);
    }
  }
}
