import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';

export interface IssuedKeyDialogData {
  readonly name: string;
  /** The new key: held only by this dialog, and gone when it closes. */
  readonly apiKey: string;
}

/** Shows a just-created gateway key once, with a copy button (and "select the text" where copying is not allowed). */
@Component({
  selector: 'gw-issued-key-dialog',
  imports: [MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatIconModule],
  template: `
    <h2 mat-dialog-title>Your new API key</h2>
    <mat-dialog-content class="content">
      <p>
        <strong>Copy it now: this is the only time it is shown.</strong> Keep it in a password manager or your
        secret store; if you lose it, revoke it and create another.
      </p>
      <mat-form-field appearance="outline" class="key-field">
        <mat-label>API key “{{ data.name }}”</mat-label>
        <input
          #keyInput
          matInput
          readonly
          [value]="data.apiKey"
          autocomplete="off"
          spellcheck="false"
          (focus)="selectKey()"
        />
      </mat-form-field>
      <p class="gw-muted">
        Use it as the API key of any OpenAI client, with the base URL <code>{{ baseUrl }}</code>.
      </p>
      <p class="copy-state" role="status" aria-live="polite">{{ copyState() }}</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end" class="actions">
      <button mat-stroked-button type="button" (click)="copyKey()">
        <mat-icon aria-hidden="true">content_copy</mat-icon> Copy key
      </button>
      <button mat-flat-button type="button" mat-dialog-close>Done</button>
    </mat-dialog-actions>
  `,
  styles: `
    .key-field {
      width: 100%;
    }
    .key-field input {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    }
    .content code {
      overflow-wrap: anywhere;
    }
    .actions {
      flex-wrap: wrap;
      gap: 4px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IssuedKeyDialog {
  protected readonly data = inject<IssuedKeyDialogData>(MAT_DIALOG_DATA);
  private readonly document = inject(DOCUMENT);
  private readonly keyInput = viewChild.required<ElementRef<HTMLInputElement>>('keyInput');
  protected readonly baseUrl = `${this.document.location.origin}/v1`;
  protected readonly copyState = signal('');

  protected async copyKey(): Promise<void> {
    const clipboard = this.document.defaultView?.navigator.clipboard;
    try {
      if (!clipboard) throw new Error('no clipboard');
      await clipboard.writeText(this.data.apiKey);
      this.copyState.set('Copied to the clipboard.');
    } catch {
      this.selectKey();
      this.copyState.set('Copying is not allowed here: the key is selected, press Ctrl+C (⌘C on a Mac).');
    }
  }

  protected selectKey(): void {
    const input = this.keyInput().nativeElement;
    input.focus();
    input.select();
  }
}
