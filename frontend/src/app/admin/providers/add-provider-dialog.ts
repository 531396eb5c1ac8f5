import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { baseUrlValidator, slugify, slugValidator } from './provider-form';
import { KIND_TEXT, KINDS, PAID_PARAMS } from './provider-health';
import type { PaidParam, ProviderKind, ProviderView, RegisterProviderBody } from './providers-api';
import { ProvidersStore } from './providers-store';
import { SecretField } from './secret-field';
import { asApiError } from '../../core/http/api-error';

/** Registers a provider: name, slug, wire format, base URL, platform key, paid parameters. Closes with it. */
@Component({
  selector: 'gw-add-provider-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    SecretField,
  ],
  templateUrl: './add-provider-dialog.html',
  styleUrl: './provider-dialogs.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddProviderDialog {
  private readonly store = inject(ProvidersStore);
  private readonly dialogRef = inject<MatDialogRef<AddProviderDialog, ProviderView>>(MatDialogRef);
  private readonly fb = inject(FormBuilder);
  protected readonly kinds = KINDS;
  protected readonly kindText = KIND_TEXT;
  protected readonly paidParams = PAID_PARAMS;

  protected readonly form = this.fb.nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    slug: ['', slugValidator],
    kind: this.fb.nonNullable.control<ProviderKind>('openai-compatible'),
    baseUrl: ['', baseUrlValidator],
    requiresKey: [true],
    apiKey: ['', [Validators.minLength(8), Validators.maxLength(2000)]],
    enabled: [true],
    paid: this.fb.nonNullable.group(
      Object.fromEntries(PAID_PARAMS.map((p) => [p.value, false])) as Record<PaidParam, boolean>,
    ),
  });

  protected readonly saving = signal(false);
  protected readonly saveError = signal<string | null>(null);

  constructor() {
    const { name, slug } = this.form.controls;
    name.valueChanges.pipe(takeUntilDestroyed(inject(DestroyRef))).subscribe((value) => {
      if (!slug.dirty) slug.setValue(slugify(value));
    });
  }

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (this.saving()) return;
    this.saving.set(true);
    this.saveError.set(null);
    const v = this.form.getRawValue();
    const allowed = PAID_PARAMS.map((p) => p.value).filter((p) => v.paid[p]);
    const body: RegisterProviderBody = {
      slug: v.slug,
      name: v.name.trim(),
      kind: v.kind,
      baseUrl: v.baseUrl.trim(),
      requiresKey: v.requiresKey,
      enabled: v.enabled,
      allowedPaidParams: allowed,
      ...(v.requiresKey && v.apiKey && { apiKey: v.apiKey }),
    };
    try {
      this.dialogRef.close(await this.store.register(body));
    } catch (e) {
      this.saveError.set(asApiError(e).describe());
    } finally {
      this.saving.set(false);
    }
  }
}
