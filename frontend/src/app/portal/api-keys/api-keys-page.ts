import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  type OnInit,
  signal,
  viewChild,
} from '@angular/core';
import { FormBuilder, FormGroupDirective, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../../core/auth/auth-store';
import { ApiError } from '../../core/http/api-error';
import { PageState } from '../../shared/page-state';
import { ConfirmDialog, type ConfirmDialogData } from '../../shared/confirm-dialog';
import type { GatewayKeyView } from './api-keys-api';
import { ApiKeysStore } from './api-keys-store';
import { IssuedKeyDialog, type IssuedKeyDialogData } from './issued-key-dialog';

const describe = (e: unknown): string => (e instanceof ApiError ? e.describe() : 'Something went wrong.');

/** /app/api-keys — the user's gateway keys: create (shown once), list with last use, revoke. */
@Component({
  selector: 'gw-api-keys-page',
  imports: [
    DatePipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    PageState,
  ],
  providers: [ApiKeysStore],
  templateUrl: './api-keys-page.html',
  styleUrl: './api-keys-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ApiKeysPage implements OnInit {
  protected readonly store = inject(ApiKeysStore);
  private readonly dialog = inject(MatDialog);
  private readonly auth = inject(AuthStore);
  private readonly fb = inject(FormBuilder);

  protected readonly columns = ['name', 'key', 'created', 'lastUsed', 'actions'];
  protected readonly form = this.fb.nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    password: [''],
  });
  private readonly formDirective = viewChild.required(FormGroupDirective);
  protected readonly creating = signal(false);
  /** The gateway asked for the password (the sign-in is older than 15 minutes). */
  protected readonly needsPassword = signal(false);
  protected readonly createError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly oidc = computed(() => this.auth.config()?.mode === 'oidc');

  ngOnInit(): void {
    void this.store.load();
  }

  protected async createKey(): Promise<void> {
    const { name, password } = this.form.controls;
    if (this.needsPassword() && !password.value) password.setErrors({ required: true });
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    if (this.creating()) return;
    this.creating.set(true);
    this.createError.set(null);
    this.notice.set(null);
    try {
      const issued = await this.store.create({
        name: name.value.trim(),
        ...(this.needsPassword() && password.value && { password: password.value }),
      });
      this.formDirective().resetForm(); // not submitted any more: no "Name the key" under an empty field
      this.needsPassword.set(false);
      this.notice.set(`Created “${issued.name}” (${issued.maskedKey}).`);
      const ref = this.dialog.open<IssuedKeyDialog, IssuedKeyDialogData>(IssuedKeyDialog, {
        data: { name: issued.name, apiKey: issued.apiKey },
        disableClose: true,
        width: '560px',
        maxWidth: '95vw',
      });
      await firstValueFrom(ref.afterClosed());
    } catch (e) {
      if (e instanceof ApiError && e.code === 'AUTH.REAUTHENTICATION_REQUIRED') {
        this.needsPassword.set(!this.oidc());
        this.createError.set(
          this.oidc()
            ? 'You signed in more than 15 minutes ago: sign out and in again to create a key.'
            : 'For your security, enter your password to create a key.',
        );
      } else if (e instanceof ApiError && e.code === 'AUTH.INCORRECT_PASSWORD') {
        password.setErrors({ incorrect: true });
        this.createError.set('Incorrect password.');
      } else {
        this.createError.set(describe(e));
      }
    } finally {
      this.creating.set(false);
    }
  }

  protected async revokeKey(key: GatewayKeyView): Promise<void> {
    const ref = this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: 'Revoke this key?',
        message: `“${key.name}” (${key.maskedKey}) stops working at once: every app using it gets 401. This cannot be undone.`,
        confirm: 'Revoke key',
      },
      maxWidth: '95vw',
    });
    if (!(await firstValueFrom(ref.afterClosed()))) return;
    this.notice.set(null);
    try {
      await this.store.revoke(key.id);
      this.notice.set(`Revoked “${key.name}”.`);
    } catch (e) {
      this.notice.set(`Could not revoke “${key.name}”: ${describe(e)}`);
    }
  }
}
