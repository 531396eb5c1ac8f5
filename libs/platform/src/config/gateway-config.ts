import { isIP } from 'node:net';
import path from 'node:path';
import type { DatabaseConfig } from '@gw/database';
import { ConfiguredSecret } from './configured-secret';
import { TrustedProxies } from './trusted-proxies';

export type Durability = 'strict' | 'relaxed';

/** Everything the gateway reads from its environment, parsed once at start. */
export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Read models, and the event log unless EventStoreDB is configured. */
  readonly database: DatabaseConfig;
  readonly eventStore: { readonly kind: 'postgres' } | { readonly kind: 'esdb'; readonly url: string };
  /** Wired by later issues; parsed now so the configuration shape is stable. */
  readonly redisUrl?: string;
  readonly kafkaBrokers?: readonly string[];
  /**
   * The largest record the relay sends (KAFKA_MAX_MESSAGE_BYTES, default 1 MiB: Kafka's
   * `max.message.bytes`); a larger one goes to the dead-letter topic instead (docs/kafka.md).
   */
  readonly kafkaMaxMessageBytes: number;
  readonly oidcIssuerUrl?: string;
  /**
   * Identity (issue 8): with OIDC_ISSUER_URL, Bearer JWTs from that issuer (its JWKS) are accepted and
   * local sign-in is off. `audience` (OIDC_AUDIENCE) is required then; `rolesClaim` is a dotted path
   * (OIDC_ROLES_CLAIM, default Keycloak's `realm_access.roles`); `clientId` (OIDC_CLIENT_ID) is the
   * portal's public client, told to the portal by GET /api/v1/auth/config. `discoveryUrl`
   * (OIDC_DISCOVERY_URL) is where the gateway fetches the discovery document when it reaches the
   * issuer at another address than the tokens' `iss` (a container network); default
   * `<issuer>/.well-known/openid-configuration`. `clientSecret` (OIDC_CLIENT_SECRET): only for a
   * confidential portal client; the gateway sends it when it redeems the portal's code. `redirectUris`
   * (OIDC_REDIRECT_URIS, comma-separated): redirect URIs accepted beside the request's own origin's.
   */
  readonly oidc?: {
    readonly audience: string;
    readonly rolesClaim: string;
    readonly clientId: string;
    readonly discoveryUrl: string;
    readonly clientSecret?: ConfiguredSecret;
    readonly redirectUris?: readonly string[];
  };
  /**
   * Local sign-in's token signing key (`SESSION_SIGNING_KEY`: 32 random bytes, base64, an Ed25519
   * seed); unset: `$DATA_DIR/session-signing-key.json`, created on first start (mode 0600).
   */
  readonly sessionSigningKey?: ConfiguredSecret;
  /**
   * The secret payment webhooks are signed with (`PAYMENT_WEBHOOK_SECRET`, Stripe-style
   * `Switchyard-Signature`). Absent: embedded mode keeps a generated one in the data directory; full
   * mode refuses webhooks until it is set.
   */
  readonly paymentWebhookSecret?: ConfiguredSecret;
  /**
   * `PAYMENT_CHECKOUT_URL`: where a user pays for a checkout, the payment provider's page as an
   * http(s) URL with `{purchaseId}` (also `{userId}`, `{packageId}`) filled in per purchase. Unset:
   * embedded mode's demo page while PAYMENT_WEBHOOK_SECRET is unset, else checkouts are refused.
   */
  readonly paymentCheckoutUrl?: string;
  /**
   * `METRICS_TOKEN`: the bearer token Prometheus sends to `GET /metrics` (at least 16 characters).
   * Outside embedded mode `/metrics` takes this token or an admin's gateway key; embedded, it is open.
   */
  readonly metricsToken?: ConfiguredSecret;
  /**
   * `METRICS_PORT`: where apps/projector serves `GET /metrics` (default 9464; 0: any free port). The
   * gateway serves its metrics on `port` and does not read this.
   */
  readonly metricsPort: number;
  readonly durability: Durability;
  /** `inprocess`: this process runs the projections (embedded); `off`: apps/projector does. */
  readonly projections: 'inprocess' | 'off';
  readonly mock: {
    readonly enabled: boolean;
    readonly latencyMs: number;
    readonly failureRate: number;
    /** Use an already running mock server for every mock provider (benchmarks). */
    readonly externalUrl?: string;
  };
  /**
   * Embedded mode only: on a store with no accounts, create an admin and a demo user and write their
   * gateway keys to `$DATA_DIR/credentials.json`. Full mode generates and prints no keys.
   */
  readonly bootstrapUsers: boolean;
  /**
   * `BOOTSTRAP_ADMIN_KEY`: the operator's own gateway key for the first admin (LiteLLM's master key),
   * stored only as its SHA-256 hash.
   */
  readonly bootstrapAdminKey?: ConfiguredSecret;
  /** How long a provider whose circuit opened is skipped before traffic probes it again. */
  readonly healthCooldownMs: number;
  /** Active health probes: every this many ms per active provider (0: off). */
  readonly probeIntervalMs: number;
  /** Probe the built-in mock providers too (off by default: they are local and simulated). */
  readonly probeMocks: boolean;
  /**
   * Hosts (lowercase names or IPs, `ALLOWED_UPSTREAM_HOSTS=a.example,10.0.0.5`) whose loopback or
   * private addresses user-supplied upstream URLs may reach; admin-registered providers need no entry.
   * Link-local and metadata addresses stay refused whatever the list says.
   */
  readonly allowedUpstreamHosts: ReadonlySet<string>;
  /**
   * Key-encryption keys of the vault (`VAULT_KEYS=1:<base64>,2:<base64>`, highest active) and the
   * fingerprint key. Required outside embedded mode; embedded mode keeps them in the data directory.
   */
  readonly vault: { readonly keys?: string; readonly fingerprintKey?: string };
  /**
   * The audit chain's keys (issue 16): `AUDIT_CHAIN_KEY` keys the event chain's links (HMAC-SHA256),
   * `AUDIT_SIGNING_KEY` (an Ed25519 seed) signs its checkpoints; 32 random bytes in base64 each, both or
   * neither. Required outside embedded mode; embedded mode keeps them in `$DATA_DIR/audit-keys.json`.
   */
  readonly audit: { readonly chainKey?: ConfiguredSecret; readonly signingKey?: ConfiguredSecret };
  /**
   * `TRUSTED_PROXIES`: CIDRs of the reverse proxies in front of the gateway (comma-separated; default
   * none). Only through them are X-Forwarded-For / X-Forwarded-Proto believed, for the client address
   * of the sign-in throttles and the audit metadata and for the refresh cookie's Secure flag.
   */
  readonly trustedProxies: TrustedProxies;
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  readonly embedded: boolean;
  /** The largest request body accepted (`MAX_REQUEST_BYTES`); larger ones are a 413 before parsing. */
  readonly maxRequestBytes: number;
  /**
   * The largest body of a portal API request (`/api/…`, `MAX_API_REQUEST_BYTES`); default 1 MiB, or
   * MAX_REQUEST_BYTES when that is smaller. `/v1` keeps `maxRequestBytes` (images in chat requests).
   */
  readonly maxApiRequestBytes: number;
  /**
   * `PORTAL_DIR`: the web portal's production build (index.html and its assets), served at `/`.
   * Unset: `frontend/dist/portal/browser` under the package root (where `npm start` builds it).
   */
  readonly portalDir?: string;
}

export class ConfigError extends Error {}

/** 16 MiB: room for a few base64 images in one chat request. */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

const oneOf = <T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!allowed.includes(v as T))
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got "${v}"`);
  return v as T;
};

const numberIn = (env: Env, name: string, min: number, max: number, fallback: number): number => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ConfigError(`${name} must be a number in [${min}, ${max}]; got "${v}"`);
  return n;
};

const url = (env: Env, name: string): string | undefined => {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  try {
    new URL(v);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  return v;
};

export const MIN_BOOTSTRAP_ADMIN_KEY_LENGTH = 32;
const GENERATE_ADMIN_KEY = 'Generate one with `echo "sk-$(openssl rand -hex 32)"`.';

/** Checked here so that a bad key stops the start before anything is stored; never echoed. */
function bootstrapAdminKey(env: Env): ConfiguredSecret | undefined {
  const key = env.BOOTSTRAP_ADMIN_KEY;
  if (key === undefined || key === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(key))
    throw new ConfigError(
      'BOOTSTRAP_ADMIN_KEY may hold only printable ASCII without spaces (it is sent as ' +
        `"Authorization: Bearer <key>"). ${GENERATE_ADMIN_KEY}`,
    );
  if (key.length < MIN_BOOTSTRAP_ADMIN_KEY_LENGTH)
    throw new ConfigError(
      `BOOTSTRAP_ADMIN_KEY must be at least ${MIN_BOOTSTRAP_ADMIN_KEY_LENGTH} characters ` +
        `(it has ${key.length}). ${GENERATE_ADMIN_KEY}`,
    );
  if (new Set(key).size < 8)
    throw new ConfigError(
      `BOOTSTRAP_ADMIN_KEY is not random (fewer than 8 distinct characters). ${GENERATE_ADMIN_KEY}`,
    );
  return new ConfiguredSecret(key);
}

/** OIDC settings beside OIDC_ISSUER_URL: a token's audience must be checked, so it is required. */
function oidc(env: Env, issuer: string | undefined): GatewayConfig['oidc'] {
  if (!issuer) {
    if (env.OIDC_AUDIENCE) throw new ConfigError('OIDC_AUDIENCE is set but OIDC_ISSUER_URL is not');
    return undefined;
  }
  const audience = env.OIDC_AUDIENCE?.trim();
  if (!audience)
    throw new ConfigError(
      'OIDC_ISSUER_URL needs OIDC_AUDIENCE: the audience access tokens for this gateway carry (aud)',
    );
  const rolesClaim = env.OIDC_ROLES_CLAIM?.trim() || 'realm_access.roles';
  if (!/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/.test(rolesClaim))
    throw new ConfigError(`OIDC_ROLES_CLAIM must be a dotted claim path; got "${rolesClaim}"`);
  return {
    audience,
    rolesClaim,
    clientId: env.OIDC_CLIENT_ID?.trim() || 'switchyard-portal',
    discoveryUrl:
      url(env, 'OIDC_DISCOVERY_URL') ?? `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    ...(env.OIDC_CLIENT_SECRET?.trim() && {
      clientSecret: new ConfiguredSecret(env.OIDC_CLIENT_SECRET.trim()),
    }),
    ...(env.OIDC_REDIRECT_URIS?.trim() && { redirectUris: redirectUris(env.OIDC_REDIRECT_URIS) }),
  };
}

/** Absolute http(s) URLs without a fragment, compared exactly. */
function redirectUris(list: string): string[] {
  return list
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => {
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new ConfigError(`OIDC_REDIRECT_URIS must list absolute URLs; got "${u}"`);
      }
      if (!/^https?:$/.test(parsed.protocol) || parsed.hash)
        throw new ConfigError(`OIDC_REDIRECT_URIS must list http(s) URLs without a fragment; got "${u}"`);
      return parsed.href;
    });
}

/** 32 bytes of base64 (an Ed25519 seed); never echoed. */
function sessionSigningKey(env: Env): ConfiguredSecret | undefined {
  const key = env.SESSION_SIGNING_KEY?.trim();
  if (!key) return undefined;
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(key) ? Buffer.from(key, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32 || new Set(bytes).size < 16)
    throw new ConfigError(
      'SESSION_SIGNING_KEY must be 32 random bytes in base64. Generate one with `openssl rand -base64 32`.',
    );
  return new ConfiguredSecret(key);
}

/**
 * An audit key: base64 of 32 random-looking bytes (at least 16 distinct values, not all printable text).
 * `label` names the variable or file in the error; the key is never echoed.
 */
export function parseAuditKey(text: string, label: string): Buffer {
  const fix = 'Generate one with `openssl rand -base64 32`.';
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32) throw new ConfigError(`${label} must be 32 random bytes in base64. ${fix}`);
  if (new Set(bytes).size < 16)
    throw new ConfigError(`${label} is not random: fewer than 16 distinct byte values. ${fix}`);
  if (bytes.every((b) => b >= 0x20 && b <= 0x7e))
    throw new ConfigError(`${label} decodes to printable text, not random bytes. ${fix}`);
  return bytes;
}

/** AUDIT_CHAIN_KEY and AUDIT_SIGNING_KEY: both or neither, each random, not the same; never echoed. */
function auditKeys(env: Env): GatewayConfig['audit'] {
  const chainKey = env.AUDIT_CHAIN_KEY?.trim();
  const signingKey = env.AUDIT_SIGNING_KEY?.trim();
  if (!chainKey && !signingKey) return {};
  if (!chainKey || !signingKey)
    throw new ConfigError(
      `${chainKey ? 'AUDIT_SIGNING_KEY' : 'AUDIT_CHAIN_KEY'} is not set: AUDIT_CHAIN_KEY and AUDIT_SIGNING_KEY go together (each \`openssl rand -base64 32\`).`,
    );
  if (parseAuditKey(chainKey, 'AUDIT_CHAIN_KEY').equals(parseAuditKey(signingKey, 'AUDIT_SIGNING_KEY')))
    throw new ConfigError('AUDIT_CHAIN_KEY and AUDIT_SIGNING_KEY must be two different keys.');
  return { chainKey: new ConfiguredSecret(chainKey), signingKey: new ConfiguredSecret(signingKey) };
}

/** An http(s) URL naming `{purchaseId}`, so the provider's webhook can name the purchase back. */
function paymentCheckoutUrl(env: Env): string | undefined {
  const v = url(env, 'PAYMENT_CHECKOUT_URL');
  if (v === undefined) return undefined;
  if (!/^https?:\/\//i.test(v)) throw new ConfigError('PAYMENT_CHECKOUT_URL must be an http or https URL');
  if (!v.includes('{purchaseId}'))
    throw new ConfigError(
      'PAYMENT_CHECKOUT_URL must contain {purchaseId}: the payment provider sends it back in its webhook',
    );
  return v;
}

/** At least 16 characters (Stripe's are `whsec_` + 32); never echoed. */
function paymentWebhookSecret(env: Env): ConfiguredSecret | undefined {
  const secret = env.PAYMENT_WEBHOOK_SECRET?.trim();
  if (!secret) return undefined;
  if (secret.length < 16)
    throw new ConfigError(
      'PAYMENT_WEBHOOK_SECRET must be at least 16 characters: the signing secret your payment provider shows for the webhook.',
    );
  return new ConfiguredSecret(secret);
}

/** At least 16 printable characters without spaces (it is sent as `Bearer <token>`); never echoed. */
function metricsToken(env: Env): ConfiguredSecret | undefined {
  const token = env.METRICS_TOKEN?.trim();
  if (!token) return undefined;
  if (!/^[\x21-\x7e]{16,}$/.test(token))
    throw new ConfigError(
      'METRICS_TOKEN must be at least 16 printable characters without spaces. Generate one with `openssl rand -hex 32`.',
    );
  return new ConfiguredSecret(token);
}

/** A whole port number; 0 lets the system pick a free one (tests). */
function metricsPort(env: Env): number {
  const port = numberIn(env, 'METRICS_PORT', 0, 65535, 9464);
  if (!Number.isInteger(port))
    throw new ConfigError(`METRICS_PORT must be a whole port number; got "${env.METRICS_PORT}"`);
  return port;
}

/** Generated keys written to a file are for the embedded demo; a full deployment brings its own. */
function bootstrapUsers(env: Env, embedded: boolean): boolean {
  const on = oneOf(env, 'BOOTSTRAP_USERS', ['on', 'off'] as const, embedded ? 'on' : 'off') === 'on';
  if (on && !embedded)
    throw new ConfigError(
      'BOOTSTRAP_USERS=on generates gateway keys into $DATA_DIR/credentials.json, which only embedded ' +
        'mode does. In full mode set BOOTSTRAP_ADMIN_KEY to the first admin’s key instead.',
    );
  return on;
}

/** 0 turns probes off; below 100 ms a probe would only load the provider. */
function probeInterval(env: Env): number {
  const ms = numberIn(env, 'HEALTH_PROBE_INTERVAL_MS', 0, 86_400_000, 300_000);
  if (ms > 0 && ms < 100) throw new ConfigError('HEALTH_PROBE_INTERVAL_MS must be 0 (off) or at least 100');
  return ms;
}

/** Comma-separated host names or IP addresses: no scheme, port, path or wildcard. */
function allowedUpstreamHosts(env: Env): ReadonlySet<string> {
  const hosts = (env.ALLOWED_UPSTREAM_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/\.$/, ''))
    .filter(Boolean);
  for (const host of hosts) {
    if (isIP(host) === 0 && !/^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/.test(host))
      throw new ConfigError(
        `ALLOWED_UPSTREAM_HOSTS must list host names or IP addresses (no scheme, port, path or wildcard); got "${host}"`,
      );
  }
  return new Set(hosts);
}

/** Comma-separated IP addresses or CIDRs (`10.0.0.0/8, fd00::/8`). */
function trustedProxies(env: Env): TrustedProxies {
  try {
    return TrustedProxies.parse(env.TRUSTED_PROXIES);
  } catch (e) {
    throw new ConfigError(`TRUSTED_PROXIES: ${(e as Error).message}`);
  }
}

/** A whole number of bytes from 1 KiB (an error body must fit) to 1 GiB. */
function maxRequestBytes(env: Env, name = 'MAX_REQUEST_BYTES', fallback = DEFAULT_MAX_REQUEST_BYTES): number {
  const bytes = numberIn(env, name, 1024, 1024 * 1024 * 1024, fallback);
  if (!Number.isInteger(bytes)) throw new ConfigError(`${name} must be a whole number of bytes`);
  return bytes;
}

/** 1 MiB: far above any portal or admin request (a routing policy, a catalog entry, a key). */
export const DEFAULT_MAX_API_REQUEST_BYTES = 1024 * 1024;

export function loadConfig(env: Env = process.env): GatewayConfig {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const databaseUrl = url(env, 'DATABASE_URL');
  const eventStoreUrl = env.EVENTSTORE_URL || undefined;
  const embedded = !databaseUrl && !eventStoreUrl;
  if (eventStoreUrl && !databaseUrl)
    throw new ConfigError('EVENTSTORE_URL needs DATABASE_URL for the read models');
  const database: DatabaseConfig = databaseUrl
    ? { kind: 'postgres', url: databaseUrl, schema: env.DATABASE_SCHEMA || undefined }
    : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') };
  return {
    port: numberIn(env, 'PORT', 0, 65535, 8080),
    host: env.HOST || (embedded ? '127.0.0.1' : '0.0.0.0'),
    dataDir,
    database,
    eventStore: eventStoreUrl ? { kind: 'esdb', url: eventStoreUrl } : { kind: 'postgres' },
    redisUrl: url(env, 'REDIS_URL'),
    kafkaBrokers: env.KAFKA_BROKERS
      ? env.KAFKA_BROKERS.split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : undefined,
    kafkaMaxMessageBytes: numberIn(env, 'KAFKA_MAX_MESSAGE_BYTES', 4_096, 1_073_741_824, 1_048_576),
    oidcIssuerUrl: url(env, 'OIDC_ISSUER_URL'),
    oidc: oidc(env, url(env, 'OIDC_ISSUER_URL')),
    sessionSigningKey: sessionSigningKey(env),
    paymentWebhookSecret: paymentWebhookSecret(env),
    paymentCheckoutUrl: paymentCheckoutUrl(env),
    metricsToken: metricsToken(env),
    metricsPort: metricsPort(env),
    durability: oneOf(env, 'DURABILITY', ['strict', 'relaxed'] as const, 'strict'),
    projections: oneOf(env, 'PROJECTIONS', ['inprocess', 'off'] as const, 'inprocess'),
    mock: {
      // Embedded mode is a demo out of the box; a full deployment gets mock models only when asked.
      enabled: oneOf(env, 'MOCK_PROVIDERS', ['on', 'off'] as const, embedded ? 'on' : 'off') === 'on',
      latencyMs: numberIn(env, 'MOCK_LATENCY_MS', 0, 60_000, 300),
      failureRate: numberIn(env, 'MOCK_FAILURE_RATE', 0, 1, 0.02),
      externalUrl: url(env, 'MOCK_UPSTREAM_URL'),
    },
    bootstrapUsers: bootstrapUsers(env, embedded),
    bootstrapAdminKey: bootstrapAdminKey(env),
    healthCooldownMs: numberIn(env, 'HEALTH_COOLDOWN_MS', 100, 3_600_000, 30_000),
    probeIntervalMs: probeInterval(env),
    probeMocks: oneOf(env, 'HEALTH_PROBE_MOCKS', ['on', 'off'] as const, 'off') === 'on',
    allowedUpstreamHosts: allowedUpstreamHosts(env),
    vault: { keys: env.VAULT_KEYS || undefined, fingerprintKey: env.VAULT_FINGERPRINT_KEY || undefined },
    audit: auditKeys(env),
    trustedProxies: trustedProxies(env),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
      'info',
    ),
    embedded,
    maxRequestBytes: maxRequestBytes(env),
    maxApiRequestBytes: maxRequestBytes(
      env,
      'MAX_API_REQUEST_BYTES',
      Math.min(DEFAULT_MAX_API_REQUEST_BYTES, maxRequestBytes(env)),
    ),
    portalDir: env.PORTAL_DIR ? path.resolve(env.PORTAL_DIR) : undefined,
  };
}
