import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ApiError } from '../../core/http/api-error';
import { TIERS, type CreateUserBody, type Tier } from './admin-users-api';
import { UsersStore } from './users-store';

/** Opens an account: name, tier, and optionally a sign-in name, email and password. Closes with the new id. */
@Component({
  selector: 'gw-add-user-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatProgressBarModule,
  ],
  template: `
    <h2 mat-dialog-title>Add a user</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="content">
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" maxlength="100" autocomplete="off" required />
          @if (form.controls.name.hasError('required')) {
            <mat-error>Enter the user’s name.</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Tier</mat-label>
          <mat-select formControlName="tier">
            @for (t of tiers; track t) {
              <mat-option [value]="t">{{ t }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Username (optional)</mat-label>
          <input matInput formControlName="username" autocomplete="off" />
          <mat-hint>For local sign-in; default: the name in lower case.</mat-hint>
          @if (form.controls.username.hasError('pattern')) {
            <mat-error>Letters, digits, dots, dashes, underscores or &#64;.</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Email (optional)</mat-label>
          <input matInput type="email" formControlName="email" autocomplete="off" />
          @if (form.controls.email.hasError('email')) {
            <mat-error>Enter an email address.</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Password (optional)</mat-label>
          <input matInput type="password" formControlName="password" autocomplete="new-password" />
          <mat-hint>At least 8 characters; without one the user signs in with a gateway key or SSO.</mat-hint>
          @if (form.controls.password.hasError('minlength')) {
            <mat-error>At least 8 characters.</mat-error>
          }
        </mat-form-field>
        @if (saving()) {
          <mat-progress-bar mode="indeterminate" aria-label="Adding the user" />
        }
        <p class="feedback gw-error" aria-live="assertive">{{ error() }}</p>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()">Add user</button>
      </mat-dialog-actions>
    </form>
  `,
  styleUrl: './user-dialogs.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddUserDialog {
  private readonly store = inject(UsersStore);
  private readonly ref = inject<MatDialogRef<AddUserDialog, string>>(MatDialogRef);
  protected readonly tiers = TIERS;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    tier: ['free' as Tier],
    username: ['', Validators.pattern(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/)],
    email: ['', [Validators.email, Validators.maxLength(254)]],
    password: ['', [Validators.minLength(8), Validators.maxLength(1024)]],
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (this.saving()) return;
    const v = this.form.getRawValue();
    const body: CreateUserBody = {
      name: v.name.trim(),
      tier: v.tier,
      ...(v.username.trim() && { username: v.username.trim() }),
      ...(v.email.trim() && { email: v.email.trim() }),
      ...(v.password && { password: v.password }),
    };
    this.saving.set(true);
    this.error.set(null);
    try {
      this.ref.close(await this.store.create(body));
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.describe() : 'Something went wrong.');
    } finally {
      this.saving.set(false);
    }
  }
}
