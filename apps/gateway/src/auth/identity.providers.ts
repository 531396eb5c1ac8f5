import type { OnModuleDestroy, Provider } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import {
  AccessDirectory,
  InMemorySessionRevocations,
  KnexLocalCredentials,
  LOCAL_CREDENTIALS,
  RedisSessionRevocations,
  RedisSignInThrottle,
  RefreshTokens,
  type SessionRevocations,
  type SignInGate,
} from '@gw/accounts';
import { KNEX } from '@gw/database';
import type { GatewayConfig } from '@gw/platform';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { trustProxies } from '../http/client-address';
import { GATEWAY_CONFIG, LOGGER } from '../runtime/runtime.tokens';
import { OidcTokenVerifier, SESSION_TOKEN_MAX_LIFE_MS, SessionTokens } from './access-token-verifiers';
import { LocalSignIn, LOCAL_SIGN_IN, REFRESH_TOKEN_TTL_MS } from './local-sign-in';
import { OidcDiscovery } from './oidc-discovery';
import { OIDC_SIGN_IN, OidcSignIn } from './oidc-sign-in';
import { RecentSignIn } from './recent-sign-in';
import { loadSessionSigningKey } from './session-signing-key';
import { TokenAuthenticator } from './token-authenticator';

const SESSION_TOKENS = Symbol('SessionTokens');
const SESSION_REVOCATIONS = Symbol('SessionRevocations');
const TRUSTED_PROXIES = Symbol('TrustedProxies');
const OIDC_DISCOVERY = Symbol('OidcDiscovery');

const oidcMode = (config: GatewayConfig): boolean => Boolean(config.oidcIssuerUrl && config.oidc);

/** The revoked-session list and the sign-in throttle, and what they run on, closed with the app. */
class RevocationsHost implements OnModuleDestroy {
  constructor(
    readonly revocations: SessionRevocations,
    readonly throttle?: SignInGate,
    private readonly redis?: Redis,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.revocations.close();
    this.redis?.disconnect();
  }
}

/**
 * Revoked sessions and the failed-sign-in throttle of local sign-in: with REDIS_URL shared by every
 * instance (a Redis stream read every second, and one Lua script per password check, on a connection
 * of their own); else in this instance's memory (embedded mode).
 */
async function openRevocations(config: GatewayConfig, logger: Logger): Promise<RevocationsHost> {
  if (!config.redisUrl) return new RevocationsHost(new InMemorySessionRevocations());
  const redis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  redis.on('error', () => undefined); // reported once per outage below, not per reconnect attempt
  const revocations = new RedisSessionRevocations(redis, SESSION_TOKEN_MAX_LIFE_MS, {
    unreachable: (e) =>
      logger.error(
        { err: e.message },
        'Redis is unreachable: logouts on other instances reach this one when it is back',
      ),
    recovered: () => logger.info('Redis is back: revoked sessions are shared again'),
  });
  await revocations.start();
  const throttle = new RedisSignInThrottle(redis, {
    unreachable: (e) =>
      logger.error(
        { err: e.message },
        'Redis is unreachable: this instance throttles wrong passwords on its own until it is back',
      ),
    recovered: () => logger.info('Redis is back: the sign-in throttle is shared again'),
  });
  return new RevocationsHost(revocations, throttle, redis);
}

/**
 * Identity wiring: with OIDC_ISSUER_URL, access tokens are the issuer's (JWKS) and local sign-in is
 * off; otherwise the gateway signs its own (local sign-in, key from SESSION_SIGNING_KEY or the data
 * directory). Either way one TokenAuthenticator, used by GatewayKeyGuard. In OIDC mode one discovery
 * document serves the verifier (JWKS) and the portal's sign-in (OidcSignIn: code exchange, refresh).
 * TRUSTED_PROXIES is handed to the HTTP server here (clientOf).
 */
export const identityProviders: Provider[] = [
  {
    provide: TRUSTED_PROXIES,
    useFactory: (host: HttpAdapterHost, config: GatewayConfig) => {
      const server: object = host.httpAdapter.getInstance();
      trustProxies(server, config.trustedProxies);
      return config.trustedProxies;
    },
    inject: [HttpAdapterHost, GATEWAY_CONFIG],
  },
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
    provide: SESSION_REVOCATIONS,
    useFactory: (config: GatewayConfig, logger: Logger) =>
      oidcMode(config) ? null : openRevocations(config, logger),
    inject: [GATEWAY_CONFIG, LOGGER],
  },
  {
    provide: LOCAL_SIGN_IN,
    useFactory: (
      sessions: SessionTokens | null,
      credentials: KnexLocalCredentials,
      knex: Knex,
      directory: AccessDirectory,
      logger: Logger,
      revocations: RevocationsHost | null,
    ) =>
      sessions &&
      revocations &&
      new LocalSignIn(
        credentials,
        new RefreshTokens(knex, REFRESH_TOKEN_TTL_MS),
        sessions,
        directory,
        logger,
        revocations.revocations,
        undefined,
        revocations.throttle,
      ),
    inject: [SESSION_TOKENS, LOCAL_CREDENTIALS, KNEX, AccessDirectory, LOGGER, SESSION_REVOCATIONS],
  },
  {
    provide: OIDC_DISCOVERY,
    useFactory: (config: GatewayConfig, logger: Logger) =>
      oidcMode(config) ? new OidcDiscovery(config.oidcIssuerUrl!, config.oidc!.discoveryUrl, logger) : null,
    inject: [GATEWAY_CONFIG, LOGGER],
  },
  {
    provide: OIDC_SIGN_IN,
    useFactory: (config: GatewayConfig, discovery: OidcDiscovery | null, logger: Logger) =>
      discovery && new OidcSignIn(discovery, config.oidc!.clientId, config.oidc!.clientSecret, logger),
    inject: [GATEWAY_CONFIG, OIDC_DISCOVERY, LOGGER],
  },
  {
    provide: RecentSignIn,
    useFactory: (signIn: LocalSignIn | null, clock: Clock) => new RecentSignIn(signIn, clock),
    inject: [LOCAL_SIGN_IN, CLOCK],
  },
  {
    provide: TokenAuthenticator,
    useFactory: (
      config: GatewayConfig,
      sessions: SessionTokens | null,
      directory: AccessDirectory,
      commands: CommandBus,
      logger: Logger,
      revocations: RevocationsHost | null,
      discovery: OidcDiscovery | null,
    ) =>
      new TokenAuthenticator(
        sessions ??
          new OidcTokenVerifier(
            config.oidcIssuerUrl!,
            config.oidc!.audience,
            config.oidc!.rolesClaim,
            logger,
            discovery!,
          ),
        directory,
        commands,
        logger,
        revocations?.revocations,
      ),
    inject: [
      GATEWAY_CONFIG,
      SESSION_TOKENS,
      AccessDirectory,
      CommandBus,
      LOGGER,
      SESSION_REVOCATIONS,
      OIDC_DISCOVERY,
    ],
  },
];
