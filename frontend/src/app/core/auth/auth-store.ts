import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { AccessToken, AuthConfig, Me, Role } from '../api/api';
import { OidcClient } from './oidc-client';

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Set while this browser holds a session (not a secret: the refresh token itself is an httpOnly cookie).
 * A first visit then makes no refresh call that can only fail with a 401.
 */
const SESSION_HINT = 'switchyard.session';

/**
 * The signed-in session. The access token lives only in memory (a signal); the refresh token is the
 * gateway's httpOnly cookie, so a reload restores the session with one POST /api/v1/auth/refresh.
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly http = inject(HttpClient);
  private readonly oidc = inject(OidcClient);
  private readonly token = signal<string | null>(null);
  private readonly profile = signal<Me | null>(null);
  private readonly authConfig = signal<AuthConfig | null>(null);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private restoring: Promise<boolean> | null = null;

  readonly accessToken = this.token.asReadonly();
  readonly me = this.profile.asReadonly();
  readonly config = this.authConfig.asReadonly();
  readonly signedIn = computed(() => this.profile() !== null);
  readonly roles = computed<readonly Role[]>(() => this.profile()?.roles ?? []);
  readonly isAdmin = computed(() => this.roles().includes('admin'));
  readonly isAuditor = computed(() => this.roles().includes('auditor') || this.isAdmin());
  /** Has the user portal: users and admins. An account that is only an auditor has the audit page. */
  readonly isUser = computed(() => this.roles().includes('user') || this.isAdmin());
  /** Where this account starts: its usage, or the audit page for an auditor-only account. */
  readonly home = computed(() => (this.isUser() || !this.isAuditor() ? '/app/usage' : '/admin/audit'));

  async loadConfig(): Promise<AuthConfig> {
    const known = this.authConfig();
    if (known) return known;
    const config = await firstValueFrom(this.http.get<AuthConfig>('/api/v1/auth/config'));
    this.authConfig.set(config);
    return config;
  }

  /** Local sign-in with a username and password. Throws ApiError (401: wrong credentials, 429: throttled). */
  async signIn(username: string, password: string): Promise<void> {
    const answer = await firstValueFrom(
      this.http.post<AccessToken>('/api/v1/auth/login', { username, password }, { withCredentials: true }),
    );
    await this.accept(answer);
  }

  /** Starts the OIDC authorization code + PKCE flow: the browser leaves for the issuer. */
  async signInWithIssuer(returnUrl: string): Promise<void> {
    const config = await this.loadConfig();
    if (config.mode !== 'oidc') throw new Error('the gateway signs in locally');
    await this.oidc.authorize(config, returnUrl);
  }

  /** Completes the OIDC flow on /login?code=…&state=…; returns where to go next. */
  async completeIssuerSignIn(code: string, state: string): Promise<string> {
    const config = await this.loadConfig();
    if (config.mode !== 'oidc') throw new Error('the gateway signs in locally');
    const { token, returnUrl } = await this.oidc.exchange(config, code, state);
    await this.accept(token);
    return returnUrl;
  }

  /** Restores the session from the refresh cookie, once per page load. */
  restore(): Promise<boolean> {
    if (this.signedIn()) return Promise.resolve(true);
    if (!localStorage.getItem(SESSION_HINT)) return Promise.resolve(false);
    this.restoring ??= this.refresh().finally(() => (this.restoring = null));
    return this.restoring;
  }

  async signOut(): Promise<void> {
    const token = this.token();
    this.sessionEnded();
    await firstValueFrom(
      this.http.post('/api/v1/auth/logout', null, {
        withCredentials: true,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      }),
    ).catch(() => undefined);
  }

  /** The gateway said the session is over (401): forget it here too. */
  sessionEnded(): void {
    localStorage.removeItem(SESSION_HINT);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.token.set(null);
    this.profile.set(null);
  }

  /** Fetches /api/v1/me again (after a change of tier or settings). */
  async reloadProfile(): Promise<void> {
    this.profile.set(await firstValueFrom(this.http.get<Me>('/api/v1/me')));
  }

  private async refresh(): Promise<boolean> {
    try {
      // Both modes: the gateway keeps the refresh token (its own, or the issuer's) in an httpOnly cookie.
      const answer = await firstValueFrom(
        this.http.post<AccessToken>('/api/v1/auth/refresh', null, { withCredentials: true }),
      );
      await this.accept(answer);
      return true;
    } catch {
      this.sessionEnded();
      return false;
    }
  }

  private async accept(answer: AccessToken): Promise<void> {
    this.token.set(answer.accessToken);
    try {
      await this.reloadProfile();
    } catch (e) {
      this.sessionEnded();
      throw e;
    }
    localStorage.setItem(SESSION_HINT, '1');
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const inMs = Math.max(5_000, answer.expiresIn * 1000 - REFRESH_MARGIN_MS);
    this.refreshTimer = setTimeout(() => void this.refresh(), inMs);
  }
}
