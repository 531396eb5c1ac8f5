import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import {
  FormBuilder,
  ReactiveFormsModule,
  Validators,
  type AbstractControl,
  type ValidationErrors,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import type { AdminModelView, AdminProviderView } from './admin-models-api';
import { AdminModelsStore } from './admin-models-store';
import {
  addBodyFromForm,
  CAPABILITY_OPTIONS,
  changeBodyFromForm,
  dollarsValidator,
  EMPTY_FORM,
  formFromModel,
  POWER_LEVEL_OPTIONS,
  TIER_OPTIONS,
  tokensValidator,
  type ModelFormValue,
} from './model-form';
import { asApiError } from '../../core/http/api-error';

export interface ModelDialogData {
  /** The model to edit; absent: add a new one. */
  readonly model?: AdminModelView;
  readonly providers: readonly AdminProviderView[];
}

/** Long-context rates: all three fields or none. */
const longContextComplete = (g: AbstractControl): ValidationErrors | null => {
  const v = g.value as { longAbove: string; longInput: string; longOutput: string };
  const filled = [v.longAbove, v.longInput, v.longOutput].filter((s) => s.trim() !== '').length;
  return filled === 0 || filled === 3 ? null : { longContext: true };
};

const atLeastOne = (g: AbstractControl): ValidationErrors | null =>
  Object.values(g.value as Record<string, boolean>).some(Boolean) ? null : { none: true };

/** Adds a model, or edits one (provider and id fixed). Prices are typed in dollars per 1M tokens. Closes with the saved model. */
@Component({
  selector: 'gw-model-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  templateUrl: './model-dialog.html',
  styleUrl: './model-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ModelDialog {
  private readonly store = inject(AdminModelsStore);
  private readonly dialogRef = inject<MatDialogRef<ModelDialog, AdminModelView>>(MatDialogRef);
  private readonly fb = inject(FormBuilder);
  protected readonly data = inject<ModelDialogData>(MAT_DIALOG_DATA);
  protected readonly editing = this.data.model;
  protected readonly title = this.editing ? `Edit ${this.editing.displayName}` : 'Add a model';
  protected readonly capabilityOptions = CAPABILITY_OPTIONS;
  protected readonly powerLevelOptions = POWER_LEVEL_OPTIONS;
  protected readonly tierOptions = TIER_OPTIONS;

  private readonly initial: ModelFormValue = this.editing ? formFromModel(this.editing) : EMPTY_FORM;

  protected readonly form = this.fb.nonNullable.group({
    provider: [{ value: this.initial.provider, disabled: !!this.editing }, Validators.required],
    model: [
      { value: this.initial.model, disabled: !!this.editing },
      [Validators.required, Validators.maxLength(200)],
    ],
    displayName: [this.initial.displayName, Validators.maxLength(100)],
    input: [this.initial.input, dollarsValidator(true)],
    output: [this.initial.output, dollarsValidator(true)],
    cached: [this.initial.cached, dollarsValidator(false)],
    cacheWrite: [this.initial.cacheWrite, dollarsValidator(false)],
    cacheWrite1h: [this.initial.cacheWrite1h, dollarsValidator(false)],
    perRequest: [this.initial.perRequest, dollarsValidator(false)],
    long: this.fb.nonNullable.group(
      {
        longAbove: [this.initial.longAbove, tokensValidator(false)],
        longInput: [this.initial.longInput, dollarsValidator(false)],
        longOutput: [this.initial.longOutput, dollarsValidator(false)],
      },
      { validators: longContextComplete },
    ),
    contextWindow: [this.initial.contextWindow, tokensValidator(true)],
    maxOutputTokens: [this.initial.maxOutputTokens, tokensValidator(true)],
    capabilities: this.fb.nonNullable.group({ ...this.initial.capabilities }),
    powerLevels: this.fb.nonNullable.group({ ...this.initial.powerLevels }, { validators: atLeastOne }),
    minTier: [this.initial.minTier],
    enabled: [this.initial.enabled],
  });

  protected readonly saving = signal(false);
  protected readonly saveError = signal<string | null>(null);

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.saveError.set('Some fields need attention.');
      return;
    }
    if (this.saving()) return;
    const { long, ...rest } = this.form.getRawValue();
    const value: ModelFormValue = { ...rest, ...long };
    this.saving.set(true);
    this.saveError.set(null);
    try {
      if (this.editing) {
        const body = changeBodyFromForm(this.editing, value);
        this.dialogRef.close(
          Object.keys(body).length === 0 ? this.editing : await this.store.change(this.editing, body),
        );
      } else {
        this.dialogRef.close(await this.store.add(addBodyFromForm(value)));
      }
    } catch (e) {
      this.saveError.set(asApiError(e).describe());
    } finally {
      this.saving.set(false);
    }
  }
}
