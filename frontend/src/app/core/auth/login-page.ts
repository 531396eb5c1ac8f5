import { ChangeDetectionStrategy, Component, inject, input, type OnInit, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import type { AuthConfig } from '../api/api';
import { ApiError } from '../http/api-error';
import { AuthStore } from './auth-store';

/** Only same-app paths: never send a user to another origin after sign-in. '/' leads to the account's start page. */
export const safeReturnUrl = (url: string | undefined): string =>
  url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login') ? url : '/';

@Component({
  selector: 'gw-login-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './login-page.html',
  styleUrl: './login-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class LoginPage implements OnInit {
  private readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly fb = inject(FormBuilder);

  readonly returnUrl = input<string>();
  readonly code = input<string>();
  readonly state = input<string>();

  protected readonly config = signal<AuthConfig | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly form = this.fb.nonNullable.group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });

  async ngOnInit(): Promise<void> {
    try {
      const config = await this.auth.loadConfig();
      this.config.set(config);
      const code = this.code();
      const state = this.state();
      if (config.mode === 'oidc' && code && state) {
        this.busy.set(true);
        const next = await this.auth.completeIssuerSignIn(code, state);
        await this.router.navigateByUrl(safeReturnUrl(next));
        return;
      }
      if (await this.auth.restore()) await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (e) {
      this.error.set(e instanceof ApiError ? e.describe() : (e as Error).message);
    } finally {
      this.busy.set(false);
    }
  }

  protected async signIn(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const { username, password } = this.form.getRawValue();
      await this.auth.signIn(username, password);
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (e) {
      this.error.set(
        e instanceof ApiError && e.status === 401
          ? 'Wrong username or password.'
          : e instanceof ApiError
            ? e.describe()
            : 'Sign-in failed.',
      );
    } finally {
      this.busy.set(false);
    }
  }

  protected async signInWithIssuer(): Promise<void> {
    this.busy.set(true);
    try {
      await this.auth.signInWithIssuer(safeReturnUrl(this.returnUrl()));
    } catch (e) {
      this.error.set((e as Error).message);
      this.busy.set(false);
    }
  }
}
