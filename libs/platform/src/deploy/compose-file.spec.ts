import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml is what most people deploy first, so its defaults are checked like code: no
 * usable secret in the file, every secret a required variable listed in .env.example, and no
 * datastore reachable from outside the host.
 */
const root = path.resolve(__dirname, '../../../..');
const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const envExampleText = readFileSync(path.join(root, '.env.example'), 'utf8');

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly environment?: Record<string, unknown> | readonly string[];
  readonly ports?: ReadonlyArray<string | { target?: number; published?: string | number; host_ip?: string }>;
}
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` … in every string value of the parsed file. */
interface Interpolation {
  readonly name: string;
  readonly operator: string;
  readonly where: string;
}
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?[^}]*\}/g;
function interpolations(value: unknown, where: string): Interpolation[] {
  if (typeof value === 'string')
    return [...value.matchAll(INTERPOLATION)].map((m) => ({ name: m[1]!, operator: m[2] ?? '', where }));
  if (Array.isArray(value)) return value.flatMap((v, i) => interpolations(v, `${where}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => interpolations(v, `${where}.${k}`));
  return [];
}
const all = interpolations(compose, 'compose');

const SECRET_NAME = /KEY|PASSWORD|SECRET|TOKEN/i;

const environmentOf = (service: Service): Record<string, string> => {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(
      env.map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
};

/** The host interface of a published port, `''` when it is published on every interface. */
function hostInterface(port: NonNullable<Service['ports']>[number]): string | undefined {
  if (typeof port !== 'string') return port.published === undefined ? undefined : (port.host_ip ?? '');
  // [host_ip:][host_port:]container_port[/protocol]; an IPv6 host_ip is in brackets.
  const spec = port.replace(/\/(tcp|udp)$/, '');
  const ipv6 = /^\[([^\]]+)\]:/.exec(spec);
  if (ipv6) return ipv6[1];
  const parts = spec.split(':');
  if (parts.length === 1) return ''; // container port only: published on a random port, every interface
  return parts.length === 3 ? parts[0] : '';
}

const envExample = new Map(
  envExampleText
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, { value: m[2]!, commented: m[0].startsWith('#') }]),
);

describe('docker-compose.yml', () => {
  it('has the expected services (a renamed service would escape the checks below)', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'billing-consumer',
        'eventstore',
        'gateway',
        'grafana',
        'kafka',
        'keycloak',
        'keycloak-schema',
        'postgres',
        'projector',
        'prometheus',
        'redis',
      ].sort(),
    );
  });

  it('publishes datastore and monitoring ports on 127.0.0.1 only', () => {
    const datastores = services.filter(([, s]) => s.build === undefined);
    expect(datastores.map(([name]) => name).sort()).toEqual([
      'eventstore',
      'grafana',
      'kafka',
      'keycloak',
      'keycloak-schema',
      'postgres',
      'prometheus',
      'redis',
    ]);
    const exposed = datastores.flatMap(([name, s]) =>
      (s.ports ?? [])
        .map((port) => ({ name, port, host: hostInterface(port) }))
        .filter(({ host }) => host !== undefined && host !== '127.0.0.1' && host !== '::1'),
    );
    expect(exposed).toEqual([]);
  });

  it('says on which interface the gateway is published (127.0.0.1 unless GATEWAY_BIND is set)', () => {
    expect(compose.services.gateway!.ports).toEqual(['${GATEWAY_BIND:-127.0.0.1}:8080:8080']);
  });

  /** Secrets of optional integrations: unset means the integration is off, so their only default is empty. */
  const OPTIONAL_SECRETS = new Set(['LAGO_API_KEY']);

  it('takes every secret from a required variable (${NAME:?…}), never a default', () => {
    const secrets = all.filter((i) => SECRET_NAME.test(i.name) && !OPTIONAL_SECRETS.has(i.name));
    expect(new Set(secrets.map((i) => i.name))).toEqual(
      new Set([
        'POSTGRES_PASSWORD',
        'VAULT_KEYS',
        'VAULT_FINGERPRINT_KEY',
        'AUDIT_CHAIN_KEY',
        'AUDIT_SIGNING_KEY',
        'BOOTSTRAP_ADMIN_KEY',
        'KEYCLOAK_ADMIN_PASSWORD',
        'METRICS_TOKEN',
        'GRAFANA_ADMIN_PASSWORD',
      ]),
    );
    expect(secrets.filter((i) => i.operator !== ':?')).toEqual([]);
  });

  it('gives an optional integration secret no default but empty (${NAME:-})', () => {
    const optional = all.filter((i) => OPTIONAL_SECRETS.has(i.name));
    expect(optional.length).toBeGreaterThan(0);
    for (const i of optional) expect(i.operator).toBe(':-');
    expect(composeText).toMatch(/\$\{LAGO_API_KEY:-\}/);
  });

  it('holds no literal value for a secret setting', () => {
    const literal = services.flatMap(([name, s]) =>
      Object.entries(environmentOf(s))
        .filter(([key]) => SECRET_NAME.test(key))
        .filter(([key, value]) => !(OPTIONAL_SECRETS.has(key) && value === `\${${key}:-}`))
        .filter(([, value]) => !/^\$\{[A-Z0-9_]+:\?[^}]*\}$/.test(value))
        .map(([key]) => `${name}.${key}`),
    );
    expect(literal).toEqual([]);
    // The PostgreSQL password inside DATABASE_URL, too.
    for (const [, s] of services.filter(([, s]) => environmentOf(s).DATABASE_URL)) {
      expect(environmentOf(s).DATABASE_URL).toMatch(
        /^postgres:\/\/switchyard:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/,
      );
    }
  });

  it('no longer carries the demo vault keys', () => {
    expect(composeText).not.toContain('c3dpdGNoeWFyZC1kZW1vLW9ubHktY2hhbmdlLW1lISE=');
    expect(composeText).not.toContain('ZGVtby1vbmx5LWZpbmdlcnByaW50LWtleS0zMmJ5dGU=');
  });

  it('gives the gateway the bootstrap admin key, and the vault keys to the gateway and the projector', () => {
    expect(environmentOf(compose.services.gateway!)).toHaveProperty('BOOTSTRAP_ADMIN_KEY');
    for (const name of ['gateway', 'projector']) {
      expect(Object.keys(environmentOf(compose.services[name]!))).toEqual(
        expect.arrayContaining(['VAULT_KEYS', 'VAULT_FINGERPRINT_KEY', 'DATABASE_URL']),
      );
    }
  });
});

describe('Keycloak in docker-compose.yml', () => {
  const keycloak = compose.services.keycloak as Service & { command?: string[]; volumes?: string[] };
  const realm = JSON.parse(readFileSync(path.join(root, 'infra/keycloak/switchyard-realm.json'), 'utf8')) as {
    realm: string;
    roles: { realm: Array<{ name: string }> };
    clients: Array<{
      clientId: string;
      publicClient: boolean;
      redirectUris: string[];
      attributes: Record<string, string>;
      protocolMappers: Array<{ protocolMapper: string; config: Record<string, string> }>;
    }>;
    users: Array<{ username: string; realmRoles: string[]; credentials?: Array<{ value: string }> }>;
  };

  it('imports the realm from infra/keycloak in production mode (start-dev only in docker-compose.dev.yml)', () => {
    expect(keycloak.image).toMatch(/^quay\.io\/keycloak\/keycloak:/);
    expect(keycloak.command).toEqual(['start', '--import-realm']);
    expect(keycloak.volumes).toContain('./infra/keycloak:/opt/keycloak/data/import:ro');
  });

  it('points the gateway at the realm, with the audience the realm puts in its tokens', () => {
    const env = environmentOf(compose.services.gateway!);
    expect(env.OIDC_ISSUER_URL).toBe(`http://127.0.0.1:8180/realms/${realm.realm}`);
    expect(environmentOf(keycloak).KC_HOSTNAME).toBe('http://127.0.0.1:8180');
    const portal = realm.clients.find((c) => c.clientId === env.OIDC_CLIENT_ID)!;
    expect(portal.protocolMappers).toContainEqual(
      expect.objectContaining({
        protocolMapper: 'oidc-audience-mapper',
        config: expect.objectContaining({ 'included.custom.audience': env.OIDC_AUDIENCE }),
      }),
    );
  });

  it('the realm has the three roles, a public PKCE client for the portal, and a demo user per role without a password', () => {
    expect(realm.roles.realm.map((r) => r.name).sort()).toEqual(['admin', 'auditor', 'user']);
    const portal = realm.clients.find((c) => c.clientId === 'switchyard-portal')!;
    expect(portal.publicClient).toBe(true);
    expect(portal.attributes['pkce.code.challenge.method']).toBe('S256');
    expect(portal.redirectUris).toEqual(['http://127.0.0.1:8080/*']);
    for (const role of ['admin', 'user', 'auditor'])
      expect(realm.users.some((u) => u.realmRoles.includes(role) && u.username.startsWith('demo-'))).toBe(
        true,
      );
    // No fixed password: each demo user sets one at first sign-in (infra/keycloak/README.md).
    expect(realm.users.flatMap((u) => u.credentials ?? [])).toEqual([]);
  });
});

describe('Prometheus and Grafana in docker-compose.yml', () => {
  const prometheus = compose.services.prometheus as Service & { volumes?: string[]; secrets?: string[] };
  const grafana = compose.services.grafana as Service & { volumes?: string[] };
  const top = parse(composeText) as { secrets?: Record<string, { environment?: string }> };

  it('Prometheus reads infra/prometheus and gets METRICS_TOKEN as a secret file, the gateway the same variable', () => {
    expect(prometheus.image).toMatch(/^prom\/prometheus:/);
    expect(prometheus.volumes).toContain('./infra/prometheus:/etc/prometheus:ro');
    expect(prometheus.secrets).toEqual(['metrics_token']);
    expect(top.secrets?.metrics_token).toEqual({ environment: 'METRICS_TOKEN' });
    expect(environmentOf(compose.services.gateway!).METRICS_TOKEN).toMatch(/^\$\{METRICS_TOKEN:\?/);
    const config = parse(readFileSync(path.join(root, 'infra/prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: Array<{ authorization?: { type: string; credentials_file: string } }>;
    };
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    expect(config.scrape_configs[0]!.authorization).toEqual({
      type: 'Bearer',
      credentials_file: '/run/secrets/metrics_token',
    });
  });

  it('Grafana is provisioned from infra/grafana', () => {
    expect(grafana.image).toMatch(/^grafana\/grafana:/);
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './infra/grafana/provisioning:/etc/grafana/provisioning:ro',
        './infra/grafana/dashboards:/etc/grafana/dashboards:ro',
      ]),
    );
  });
});

describe('.env.example', () => {
  it('lists every variable docker-compose.yml reads', () => {
    const missing = [...new Set(all.map((i) => i.name))].filter((name) => !envExample.has(name));
    expect(missing).toEqual([]);
  });

  it('leaves every required value empty, with a command that generates it', () => {
    const required = [...new Set(all.filter((i) => i.operator === ':?').map((i) => i.name))];
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) {
      expect({ name, ...envExample.get(name) }).toEqual({ name, value: '', commented: false });
      const comment = envExampleText.slice(0, envExampleText.indexOf(`\n${name}=`));
      expect(comment.slice(comment.lastIndexOf('\n\n'))).toMatch(/openssl rand -(base64|hex) 32/);
    }
  });
});
