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

/** A provider key's input: a password field with a show/hide toggle, the expected format and the format check. */
@Component({
  selector: 'gw-key-secret-field',
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
        required
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
      @if (hint()) {
        <mat-hint>Expected: {{ hint() }}</mat-hint>
      }
      @if (control().errors?.['keyFormat']; as problem) {
        <mat-error>{{ problem }}</mat-error>
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
export class KeySecretField {
  readonly control = input.required<FormControl<string>>();
  readonly label = input('API key');
  /** The provider's key format, e.g. "starts with sk-ant-". */
  readonly hint = input('');
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
