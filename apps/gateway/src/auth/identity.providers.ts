import type { Provider } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AccessDirectory, KnexLocalCredentials, LOCAL_CREDENTIALS, RefreshTokens } from '@gw/accounts';
import { KNEX } from '@gw/database';
import type { GatewayConfig } from '@gw/platform';
import { GATEWAY_CONFIG, LOGGER } from '../runtime/runtime.tokens';
import { OidcTokenVerifier, SessionTokens } from './access-token-verifiers';
import { LocalSignIn, LOCAL_SIGN_IN, REFRESH_TOKEN_TTL_MS } from './local-sign-in';
import { loadSessionSigningKey } from './session-signing-key';
import { TokenAuthenticator } from './token-authenticator';

const SESSION_TOKENS = Symbol('SessionTokens');

const oidcMode = (config: GatewayConfig): boolean => Boolean(config.oidcIssuerUrl && config.oidc);

/**
 * Identity wiring: with OIDC_ISSUER_URL, access tokens are the issuer's (JWKS) and local sign-in is
 * off; otherwise the gateway signs its own (local sign-in, key from SESSION_SIGNING_KEY or the data
 * directory). Either way one TokenAuthenticator, used by GatewayKeyGuard.
 */
export const identityProviders: Provider[] = [
  {
    provide: LOCAL_CREDENTIALS,
    useFactory: (knex: Knex) => new KnexLocalCredentials(knex),
    inject: [KNEX],
  },
  {
    provide: SESSION_TOKENS,
    useFactory: async (config: GatewayConfig) =>
      oidcMode(config)
        ? null
        : new SessionTokens(await loadSessionSigningKey(config.sessionSigningKey, config.dataDir)),
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: LOCAL_SIGN_IN,
    useFactory: (
      sessions: SessionTokens | null,
      credentials: KnexLocalCredentials,
      knex: Knex,
      directory: AccessDirectory,
      logger: Logger,
    ) =>
      sessions &&
      new LocalSignIn(
        credentials,
        new RefreshTokens(knex, REFRESH_TOKEN_TTL_MS),
        sessions,
        directory,
        logger,
      ),
    inject: [SESSION_TOKENS, LOCAL_CREDENTIALS, KNEX, AccessDirectory, LOGGER],
  },
  {
    provide: TokenAuthenticator,
    useFactory: (
      config: GatewayConfig,
      sessions: SessionTokens | null,
      directory: AccessDirectory,
      commands: CommandBus,
      logger: Logger,
    ) =>
      new TokenAuthenticator(
        sessions ??
          new OidcTokenVerifier(
            config.oidcIssuerUrl!,
            config.oidc!.audience,
            config.oidc!.rolesClaim,
            logger,
            config.oidc!.discoveryUrl,
          ),
        directory,
        commands,
        logger,
      ),
    inject: [GATEWAY_CONFIG, SESSION_TOKENS, AccessDirectory, CommandBus, LOGGER],
  },
];
