import {
  ChangeDetectionStrategy,
  ChangeDetectorRef,
  Component,
  effect,
  inject,
  input,
  signal,
} from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';

/** A platform key's input: a password field with a show/hide toggle and its length check. */
@Component({
  selector: 'gw-secret-field',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule, MatButtonModule, MatIconModule],
  template: `
    <mat-form-field appearance="outline" class="field" subscriptSizing="dynamic">
      <mat-label>{{ label() }}</mat-label>
      <input
        matInput
        [type]="visible() ? 'text' : 'password'"
        [formControl]="control()"
        autocomplete="off"
        autocapitalize="off"
        spellcheck="false"
        [required]="required()"
      />
      <button
        mat-icon-button
        matSuffix
        type="button"
        (click)="toggleVisible()"
        [attr.aria-label]="visible() ? 'Hide key' : 'Show key'"
        [attr.aria-pressed]="visible()"
      >
        <mat-icon aria-hidden="true">{{ visible() ? 'visibility_off' : 'visibility' }}</mat-icon>
      </button>
      <mat-hint>Stored encrypted; only its masked form is shown again.</mat-hint>
      @if (control().hasError('required')) {
        <mat-error>Enter the key.</mat-error>
      } @else if (control().hasError('minlength') || control().hasError('maxlength')) {
        <mat-error>A key has 8 to 2,000 characters.</mat-error>
      }
    </mat-form-field>
  `,
  styles: `
    .field {
      width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SecretField {
  readonly control = input.required<FormControl<string>>();
  readonly label = input('Platform key');
  readonly required = input(true);
  protected readonly visible = signal(false);

  constructor() {
    const cdr = inject(ChangeDetectorRef);
    // The parent's submit marks the control touched: show its error here too (OnPush).
    effect((onCleanup) => {
      const sub = this.control().events.subscribe(() => cdr.markForCheck());
      onCleanup(() => sub.unsubscribe());
    });
  }

  protected toggleVisible(): void {
    this.visible.update((v) => !v);
  }
}
