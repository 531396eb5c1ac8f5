import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { AccessToken, AuthConfig } from '../api/api';

type OidcConfig = Extract<AuthConfig, { mode: 'oidc' }>;

const FLOW_KEY = 'switchyard.oidc.flow';

interface PendingFlow {
  readonly state: string;
  readonly verifier: string;
  readonly returnUrl: string;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (bytes = 32): string => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * Authorization code + PKCE (RFC 7636) against the configured issuer. The browser only visits the
 * issuer's authorization page; the code is exchanged by the gateway (POST /api/v1/auth/oidc/token), so
 * the portal's CSP keeps `connect-src 'self'` and the issuer's refresh token stays in an httpOnly cookie.
 */
@Injectable({ providedIn: 'root' })
export class OidcClient {
  private readonly http = inject(HttpClient);

  redirectUri(): string {
    return `${location.origin}/login`;
  }

  async authorize(config: OidcConfig, returnUrl: string): Promise<void> {
    const flow: PendingFlow = { state: randomString(16), verifier: randomString(48), returnUrl };
    sessionStorage.setItem(FLOW_KEY, JSON.stringify(flow));
    const url = new URL(config.authorizationEndpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: this.redirectUri(),
      scope: config.scopes.join(' '),
      state: flow.state,
      code_challenge: await pkceChallenge(flow.verifier),
      code_challenge_method: 'S256',
    }).toString();
    location.assign(url.toString());
  }

  async exchange(
    _config: OidcConfig,
    code: string,
    state: string,
  ): Promise<{ token: AccessToken; returnUrl: string }> {
    const raw = sessionStorage.getItem(FLOW_KEY);
    sessionStorage.removeItem(FLOW_KEY);
    const flow = raw ? (JSON.parse(raw) as PendingFlow) : null;
    if (!flow || flow.state !== state)
      throw new Error('The sign-in could not be verified. Please sign in again.');
    const token = await firstValueFrom(
      this.http.post<AccessToken>(
        '/api/v1/auth/oidc/token',
        { code, codeVerifier: flow.verifier, redirectUri: this.redirectUri() },
        { withCredentials: true },
      ),
    );
    return { token, returnUrl: flow.returnUrl };
  }
}
