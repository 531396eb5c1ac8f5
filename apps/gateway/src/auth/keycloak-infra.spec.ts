import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The Keycloak the full stack starts (infra/keycloak, docker-compose.yml): a realm with no fixed
 * password in it, production mode (`start`) in the compose file, and `start-dev` only in a file
 * marked for development that compose does not read unless told to.
 */
const root = path.resolve(__dirname, '../../../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface ComposeService {
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
}
const services = (file: string): Readonly<Record<string, ComposeService>> =>
  (parse(read(file)) as { services: Record<string, ComposeService> }).services;

/** Every [path, value] under a key that holds a credential, anywhere in a JSON tree. */
function credentialsIn(node: unknown, at = '$'): Array<[string, unknown]> {
  if (Array.isArray(node)) return node.flatMap((n, i) => credentialsIn(n, `${at}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) =>
    /^(credentials|password|secret|value|hashedSaltedValue)$/i.test(k)
      ? [[`${at}.${k}`, v] as [string, unknown]]
      : credentialsIn(v, `${at}.${k}`),
  );
}

describe('Keycloak for the full stack', () => {
  const realm = JSON.parse(read('infra/keycloak/switchyard-realm.json')) as {
    users: Array<{ username: string; requiredActions?: string[] }>;
  };

  it('the realm carries no password, secret or credential of any kind', () => {
    expect(realm.users.length).toBeGreaterThan(0);
    expect(credentialsIn(realm)).toEqual([]);
    expect(read('infra/keycloak/switchyard-realm.json')).not.toMatch(/demo-only/);
  });

  it('its users must choose a password at their first sign-in', () => {
    for (const user of realm.users) expect(user.requiredActions).toContain('UPDATE_PASSWORD');
  });

  it('docker-compose.yml runs Keycloak in production mode, on PostgreSQL, never start-dev', () => {
    const keycloak = services('docker-compose.yml').keycloak!;
    expect(keycloak.command?.[0]).toBe('start');
    expect(keycloak.environment?.KC_DB).toBe('postgres');
    expect(keycloak.environment?.KC_HOSTNAME).toBeDefined();
    expect(read('docker-compose.yml')).not.toMatch(/['"]start-dev['"]/);
  });

  it('start-dev only in docker-compose.dev.yml, which says it is for development only', () => {
    const dev = read('docker-compose.dev.yml');
    expect(dev.split('\n')[0]).toMatch(/^# DEVELOPMENT ONLY/);
    expect(services('docker-compose.dev.yml').keycloak!.command?.[0]).toBe('start-dev');
  });

  it('the README names no password', () => {
    expect(read('infra/keycloak/README.md')).not.toMatch(/demo-only-\w+-password/);
  });
});
