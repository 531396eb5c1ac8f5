import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

export interface DeleteUserDialogData {
  readonly name: string;
}

/** Deleting an account cannot be undone: the admin types the user's name to confirm. Closes with true. */
@Component({
  selector: 'gw-delete-user-dialog',
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <h2 mat-dialog-title>Delete {{ data.name }}?</h2>
    <mat-dialog-content class="content">
      <p>
        Their gateway keys and sign-in stop working at once, and their provider keys are removed and
        destroyed. Their history stays for audit. This cannot be undone.
      </p>
      <mat-form-field appearance="outline" subscriptSizing="dynamic">
        <mat-label>Type the user’s name to confirm</mat-label>
        <input matInput [formControl]="typed" autocomplete="off" cdkFocusInitial />
        <mat-hint>{{ data.name }}</mat-hint>
      </mat-form-field>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false">Cancel</button>
      <button mat-flat-button type="button" class="danger" [mat-dialog-close]="true" [disabled]="!matches()">
        Delete user
      </button>
    </mat-dialog-actions>
  `,
  styleUrl: './user-dialogs.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeleteUserDialog {
  protected readonly data = inject<DeleteUserDialogData>(MAT_DIALOG_DATA);
  protected readonly typed = new FormControl('', { nonNullable: true });
  private readonly value = toSignal(this.typed.valueChanges, { initialValue: '' });
  protected readonly matches = computed(() => this.value().trim() === this.data.name.trim());
}
