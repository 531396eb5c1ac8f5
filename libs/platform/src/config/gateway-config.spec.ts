import { inspect } from 'node:util';
import { ConfigError, loadConfig } from './gateway-config';

describe('loadConfig', () => {
  it('embedded by default, with the mock providers', () => {
    const config = loadConfig({});
    expect(config.embedded).toBe(true);
    expect(config.mock.enabled).toBe(true);
    expect(config.database.kind).toBe('pglite');
  });

  it('a full deployment gets mock providers only when asked', () => {
    const url = 'postgres://db.test/switchyard';
    expect(loadConfig({ DATABASE_URL: url }).mock.enabled).toBe(false);
    expect(loadConfig({ DATABASE_URL: url, MOCK_PROVIDERS: 'on' }).mock.enabled).toBe(true);
  });

  it('active probes: every 5 minutes by default, 0 turns them off, the mocks only when asked', () => {
    expect(loadConfig({}).probeIntervalMs).toBe(300_000);
    expect(loadConfig({ HEALTH_PROBE_INTERVAL_MS: '0' }).probeIntervalMs).toBe(0);
    expect(loadConfig({}).probeMocks).toBe(false);
    expect(loadConfig({ HEALTH_PROBE_MOCKS: 'on' }).probeMocks).toBe(true);
    expect(() => loadConfig({ HEALTH_PROBE_INTERVAL_MS: '5' })).toThrow(ConfigError);
  });

  it('ALLOWED_UPSTREAM_HOSTS: empty by default; host names and IPs, lowercased; no URLs, ports or wildcards', () => {
    expect(loadConfig({}).allowedUpstreamHosts.size).toBe(0);
    const hosts = loadConfig({ ALLOWED_UPSTREAM_HOSTS: ' vLLM.lan , 10.0.0.5,,fd00::7,ollama.internal. ' });
    expect([...hosts.allowedUpstreamHosts]).toEqual(['vllm.lan', '10.0.0.5', 'fd00::7', 'ollama.internal']);
    for (const bad of ['http://vllm.lan', 'vllm.lan:8000', '*.lan', 'vllm.lan/v1', 'two words'])
      expect(() => loadConfig({ ALLOWED_UPSTREAM_HOSTS: bad })).toThrow(ConfigError);
  });

  it('passes the vault keys through untouched (the vault validates them)', () => {
    const config = loadConfig({ VAULT_KEYS: '1:abc', VAULT_FINGERPRINT_KEY: 'def' });
    expect(config.vault).toEqual({ keys: '1:abc', fingerprintKey: 'def' });
    expect(loadConfig({ VAULT_KEYS: '' }).vault).toEqual({ keys: undefined, fingerprintKey: undefined });
  });

  it('request bodies up to 16 MiB by default; MAX_REQUEST_BYTES is a whole number from 1 KiB to 1 GiB', () => {
    expect(loadConfig({}).maxRequestBytes).toBe(16 * 1024 * 1024);
    expect(loadConfig({ MAX_REQUEST_BYTES: '1048576' }).maxRequestBytes).toBe(1_048_576);
    expect(() => loadConfig({ MAX_REQUEST_BYTES: '100' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_REQUEST_BYTES: '2048.5' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_REQUEST_BYTES: 'lots' })).toThrow(ConfigError);
  });

  it('PAYMENT_CHECKOUT_URL: an http(s) URL naming {purchaseId}, or unset', () => {
    expect(loadConfig({}).paymentCheckoutUrl).toBeUndefined();
    const url = 'https://pay.example/checkout?ref={purchaseId}&u={userId}';
    expect(loadConfig({ PAYMENT_CHECKOUT_URL: url }).paymentCheckoutUrl).toBe(url);
    expect(() => loadConfig({ PAYMENT_CHECKOUT_URL: 'https://pay.example/checkout' })).toThrow(
      /\{purchaseId\}/,
    );
    expect(() => loadConfig({ PAYMENT_CHECKOUT_URL: 'ftp://pay.example/{purchaseId}' })).toThrow(ConfigError);
    expect(() => loadConfig({ PAYMENT_CHECKOUT_URL: 'not a url {purchaseId}' })).toThrow(ConfigError);
  });

  it('portal API bodies up to 1 MiB by default (or MAX_REQUEST_BYTES when smaller); MAX_API_REQUEST_BYTES sets it', () => {
    expect(loadConfig({}).maxApiRequestBytes).toBe(1024 * 1024);
    expect(loadConfig({ MAX_REQUEST_BYTES: '65536' }).maxApiRequestBytes).toBe(65_536);
    expect(loadConfig({ MAX_API_REQUEST_BYTES: '2097152' }).maxApiRequestBytes).toBe(2_097_152);
    expect(loadConfig({ MAX_API_REQUEST_BYTES: '2097152' }).maxRequestBytes).toBe(16 * 1024 * 1024);
    expect(() => loadConfig({ MAX_API_REQUEST_BYTES: '10' })).toThrow(/MAX_API_REQUEST_BYTES/);
    expect(() => loadConfig({ MAX_API_REQUEST_BYTES: '2048.5' })).toThrow(ConfigError);
  });

  it('METRICS_TOKEN: optional, at least 16 printable characters, never shown', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    const token = 'metrics-0123456789abcdef';
    const config = loadConfig({ METRICS_TOKEN: token });
    expect(config.metricsToken?.reveal()).toBe(token);
    expect(inspect(config)).not.toContain(token);
    expect(JSON.stringify(config)).not.toContain(token);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it, long' })).toThrow(/METRICS_TOKEN/);
  });

  it('METRICS_PORT (the projector’s metrics listener): 9464 by default, a whole port number, 0 for any free one', () => {
    expect(loadConfig({}).metricsPort).toBe(9464);
    expect(loadConfig({ METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(loadConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    for (const bad of ['65536', '-1', '94.5', 'metrics'])
      expect(() => loadConfig({ METRICS_PORT: bad })).toThrow(/METRICS_PORT/);
  });

  describe('bootstrap accounts', () => {
    const full = { DATABASE_URL: 'postgres://db.test/switchyard' };
    const key = 'sk-0123456789abcdef0123456789abcdef';
    const refusal = (env: Record<string, string>): ConfigError => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return e as ConfigError;
      }
      throw new Error('loadConfig accepted it');
    };

    it('embedded mode creates the demo accounts (credentials.json); full mode generates no keys', () => {
      expect(loadConfig({}).bootstrapUsers).toBe(true);
      expect(loadConfig({ BOOTSTRAP_USERS: 'off' }).bootstrapUsers).toBe(false);
      expect(loadConfig(full).bootstrapUsers).toBe(false);
      expect(refusal({ ...full, BOOTSTRAP_USERS: 'on' }).message).toMatch(
        /only embedded mode does\. In full mode set BOOTSTRAP_ADMIN_KEY/,
      );
    });

    it('takes BOOTSTRAP_ADMIN_KEY in either mode, and never shows it', () => {
      expect(loadConfig(full).bootstrapAdminKey).toBeUndefined();
      expect(loadConfig({ ...full, BOOTSTRAP_ADMIN_KEY: '' }).bootstrapAdminKey).toBeUndefined();
      for (const config of [
        loadConfig({ ...full, BOOTSTRAP_ADMIN_KEY: key }),
        loadConfig({ BOOTSTRAP_ADMIN_KEY: key }),
      ]) {
        expect(config.bootstrapAdminKey?.reveal()).toBe(key);
        expect(JSON.stringify(config)).not.toContain(key.slice(3, 15));
        expect(inspect(config, { depth: 10 })).not.toContain(key.slice(3, 15));
        expect(`${config.bootstrapAdminKey}`).toBe('[redacted]');
      }
    });

    it.each<[string, string, RegExp]>([
      ['31 characters', key.slice(0, 31), /at least 32 characters \(it has 31\)/],
      ['a space', `${key.slice(0, 20)} ${key.slice(20)}`, /printable ASCII without spaces/],
      ['a trailing newline', `${key}\n`, /printable ASCII without spaces/],
      ['a non-ASCII character', `${key}é`, /printable ASCII/],
      ['a repeated character', 'a'.repeat(40), /is not random/],
    ])(
      'refuses a BOOTSTRAP_ADMIN_KEY with %s, saying how to generate one, without echoing it',
      (_, value, message) => {
        const error = refusal({ ...full, BOOTSTRAP_ADMIN_KEY: value });
        expect(error.message).toMatch(message);
        expect(error.message).toContain('openssl rand -hex 32');
        expect(error.message).not.toContain(value.slice(3, 15));
      },
    );
  });

  describe('identity', () => {
    it('local sign-in by default: no OIDC settings', () => {
      const config = loadConfig({});
      expect(config.oidcIssuerUrl).toBeUndefined();
      expect(config.oidc).toBeUndefined();
      expect(config.sessionSigningKey).toBeUndefined();
    });

    it('OIDC_ISSUER_URL needs OIDC_AUDIENCE; roles claim and client id have defaults', () => {
      expect(() => loadConfig({ OIDC_ISSUER_URL: 'https://idp.example/realms/a' })).toThrow(/OIDC_AUDIENCE/);
      expect(() => loadConfig({ OIDC_AUDIENCE: 'gw' })).toThrow(ConfigError);
      const config = loadConfig({ OIDC_ISSUER_URL: 'https://idp.example/realms/a', OIDC_AUDIENCE: 'gw' });
      expect(config.oidc).toEqual({
        audience: 'gw',
        rolesClaim: 'realm_access.roles',
        clientId: 'switchyard-portal',
        discoveryUrl: 'https://idp.example/realms/a/.well-known/openid-configuration',
      });
      expect(
        loadConfig({
          OIDC_ISSUER_URL: 'http://127.0.0.1:8180/realms/a',
          OIDC_AUDIENCE: 'gw',
          OIDC_DISCOVERY_URL: 'http://keycloak:8080/realms/a/.well-known/openid-configuration',
        }).oidc?.discoveryUrl,
      ).toBe('http://keycloak:8080/realms/a/.well-known/openid-configuration');
    });

    it('OIDC_CLIENT_SECRET is never shown; OIDC_REDIRECT_URIS lists absolute http(s) URLs', () => {
      const base = { OIDC_ISSUER_URL: 'https://idp.example', OIDC_AUDIENCE: 'gw' };
      expect(loadConfig(base).oidc?.clientSecret).toBeUndefined();
      expect(loadConfig(base).oidc?.redirectUris).toBeUndefined();
      const config = loadConfig({
        ...base,
        OIDC_CLIENT_SECRET: 'very-secret-value',
        OIDC_REDIRECT_URIS: 'http://localhost:4200/login, https://portal.example/login',
      });
      expect(config.oidc?.clientSecret?.reveal()).toBe('very-secret-value');
      expect(JSON.stringify(config)).not.toContain('very-secret-value');
      expect(config.oidc?.redirectUris).toEqual([
        'http://localhost:4200/login',
        'https://portal.example/login',
      ]);
      expect(() => loadConfig({ ...base, OIDC_REDIRECT_URIS: '/login' })).toThrow(/OIDC_REDIRECT_URIS/);
      expect(() => loadConfig({ ...base, OIDC_REDIRECT_URIS: 'ftp://x.example/login' })).toThrow(
        /OIDC_REDIRECT_URIS/,
      );
    });

    it('OIDC_ROLES_CLAIM is a dotted path', () => {
      const base = { OIDC_ISSUER_URL: 'https://idp.example', OIDC_AUDIENCE: 'gw' };
      expect(loadConfig({ ...base, OIDC_ROLES_CLAIM: 'resource_access.gw.roles' }).oidc?.rolesClaim).toBe(
        'resource_access.gw.roles',
      );
      expect(() => loadConfig({ ...base, OIDC_ROLES_CLAIM: 'a..b' })).toThrow(/OIDC_ROLES_CLAIM/);
    });

    it('SESSION_SIGNING_KEY is 32 random bytes in base64, never shown', () => {
      const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64');
      const config = loadConfig({ SESSION_SIGNING_KEY: key });
      expect(config.sessionSigningKey?.reveal()).toBe(key);
      expect(inspect(config)).not.toContain(key);
      expect(JSON.stringify(config)).not.toContain(key);
      expect(() => loadConfig({ SESSION_SIGNING_KEY: 'c2hvcnQ=' })).toThrow(/SESSION_SIGNING_KEY/);
      expect(() => loadConfig({ SESSION_SIGNING_KEY: Buffer.alloc(32).toString('base64') })).toThrow(
        /random/,
      );
    });
  });
});
