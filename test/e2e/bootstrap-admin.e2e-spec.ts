import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import request from 'supertest';
import { hashGatewayKey, toAccountStreamId } from '@gw/accounts';
import { createDatabase, InsecureFileModeError } from '@gw/database';
import { PostgresEventStore } from '@gw/eventstore';
import { VaultConfigError } from '@gw/key-vault';
import { ConfigError } from '@gw/platform';
import { describePostgres } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import { BOOTSTRAP_ADMIN_USER_ID } from '../../apps/gateway/src/bootstrap/bootstrap-admin';
import { buildGateway, startGatewayProcess } from './support/gateway-process';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const adminKey = (): string => `sk-${randomBytes(32).toString('hex')}`;
const b64 = (): string => randomBytes(32).toString('base64');

const providers = (gw: TestGateway, key: string) =>
  request(gw.baseUrl).get('/api/v1/admin/providers').set('authorization', `Bearer ${key}`);

/** Every event in the log, as text: what an auditor, a projection or Kafka could ever see. */
const wholeLog = async (gw: TestGateway): Promise<string> =>
  JSON.stringify(await gw.gateway.runtime.eventStore.readAll(), (_, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );

const adminStream = (gw: TestGateway) =>
  gw.gateway.runtime.eventStore.readStream(toAccountStreamId(BOOTSTRAP_ADMIN_USER_ID));

/** The key, and any 12 characters of it, appear nowhere in `text`. */
function expectNoPieceOf(key: string, text: string): void {
  expect(text).not.toContain(key);
  for (let i = 0; i + 12 <= key.length; i += 6) expect(text).not.toContain(key.slice(i, i + 12));
}

async function rejection(start: Promise<TestGateway>): Promise<Error> {
  const gw = await start.then(
    (g) => g,
    () => undefined,
  );
  if (gw) {
    await gw.close();
    throw new Error('the gateway started');
  }
  return start.then(
    () => new Error('unreachable'),
    (e: unknown) => e as Error,
  );
}

const url = process.env.DATABASE_URL;

describePostgres(
  'full mode: BOOTSTRAP_ADMIN_KEY',
  () => {
    /** One schema shared by the starts of a test, like a database that outlives restarts. */
    let schema: string;
    const vault = {
      VAULT_KEYS: `1:${b64()}`,
      VAULT_FINGERPRINT_KEY: b64(),
      AUDIT_CHAIN_KEY: b64(),
      AUDIT_SIGNING_KEY: b64(),
    };
    const start = (env: Record<string, string>) =>
      startTestGateway('postgres', { DATABASE_SCHEMA: schema, ...vault, ...env }, { testAccounts: false });
    beforeEach(() => {
      schema = `e2e_boot_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });
    afterEach(async () => {
      const admin = knexFactory({ client: 'pg', connection: url });
      await admin.raw('drop schema if exists ?? cascade', [schema]);
      await admin.destroy();
    });

    it('makes the key the first admin’s gateway key, stored hashed, never logged; a restart appends nothing', async () => {
      const key = adminKey();
      const first = await start({ BOOTSTRAP_ADMIN_KEY: key });
      let issuedAt: bigint;
      try {
        expect(first.gateway.credentials).toBeNull(); // full mode generates no keys…
        expect(await readdir(first.gateway.runtime.config.dataDir)).not.toContain('credentials.json'); // …and writes none
        expect(first.gateway.runtime.directory.accountCount()).toBe(1);

        expect((await providers(first, key)).status).toBe(200);
        expect((await providers(first, adminKey())).status).toBe(401);

        const events = await adminStream(first);
        expect(events.map((e) => e.type)).toEqual(['AccountOpened', 'GatewayKeyIssued']);
        expect(events[0]!.data).toMatchObject({ roles: ['admin'] });
        expect(events[1]!.data).toMatchObject({ keyHash: hashGatewayKey(key), name: 'BOOTSTRAP_ADMIN_KEY' });
        issuedAt = events[1]!.revision;
        expectNoPieceOf(key, await wholeLog(first));
        expectNoPieceOf(key, first.logs());
        expect(first.logs()).toContain('BOOTSTRAP_ADMIN_KEY is the bootstrap admin’s gateway key');
      } finally {
        await first.close();
      }

      const second = await start({ BOOTSTRAP_ADMIN_KEY: key });
      try {
        const events = await adminStream(second);
        expect(events.map((e) => e.type)).toEqual(['AccountOpened', 'GatewayKeyIssued']);
        expect(events[1]!.revision).toBe(issuedAt);
        expect((await providers(second, key)).status).toBe(200);
        expectNoPieceOf(key, second.logs());
        expect(second.logs()).not.toContain('BOOTSTRAP_ADMIN_KEY is the bootstrap admin’s gateway key');
      } finally {
        await second.close();
      }
    });

    it('the built gateway (npm start) prints and logs no key, on the first start and on a restart that appends nothing', async () => {
      const key = adminKey();
      const built = await buildGateway();
      // Its own data directory: the default (./data of the checkout) is the user's.
      const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-e2e-built-'));
      const env = {
        DATABASE_URL: url!,
        DATABASE_SCHEMA: schema,
        DATA_DIR: dataDir,
        ...vault,
        BOOTSTRAP_ADMIN_KEY: key,
        LOG_LEVEL: 'debug',
      };
      try {
        for (const _ of ['first start', 'restart']) {
          const gw = await startGatewayProcess(built.main, env);
          try {
            await eventually(
              () => gw.output().includes('Switchyard is listening') || undefined,
              10_000,
              'the banner',
            );
            const res = await fetch(`${gw.baseUrl}/api/v1/admin/providers`, {
              headers: { authorization: `Bearer ${key}` },
            });
            expect(res.status).toBe(200);
          } finally {
            await gw.kill('SIGTERM');
          }
          expect(gw.output()).toContain('Mode: full');
          expect(gw.output()).toContain('send the key you set in BOOTSTRAP_ADMIN_KEY');
          expect(gw.output()).not.toMatch(/Admin key:|User key:|sk-sy-/);
          expectNoPieceOf(key, gw.output());
        }
        const knex = createDatabase({ kind: 'postgres', url: url!, schema });
        try {
          const events = await new PostgresEventStore(knex).readStream(
            toAccountStreamId(BOOTSTRAP_ADMIN_USER_ID),
          );
          expect(events.map((e) => e.type)).toEqual(['AccountOpened', 'GatewayKeyIssued']);
        } finally {
          await knex.destroy();
        }
      } finally {
        await built.remove();
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    it('rotates: a new value is issued and the earlier one revoked; a revoked value is refused; unset changes nothing', async () => {
      const [oldKey, newKey] = [adminKey(), adminKey()];
      await (await start({ BOOTSTRAP_ADMIN_KEY: oldKey })).close();

      const rotated = await start({ BOOTSTRAP_ADMIN_KEY: newKey });
      try {
        expect((await providers(rotated, newKey)).status).toBe(200);
        expect((await providers(rotated, oldKey)).status).toBe(401);
        expect((await adminStream(rotated)).map((e) => e.type)).toEqual([
          'AccountOpened',
          'GatewayKeyIssued',
          'GatewayKeyIssued',
          'GatewayKeyRevoked',
        ]);
        expect(rotated.gateway.runtime.directory.accountCount()).toBe(1);
        for (const key of [oldKey, newKey]) expectNoPieceOf(key, rotated.logs() + (await wholeLog(rotated)));
      } finally {
        await rotated.close();
      }

      const error = await rejection(start({ BOOTSTRAP_ADMIN_KEY: oldKey }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/BOOTSTRAP_ADMIN_KEY is a key that was revoked/);
      expectNoPieceOf(oldKey, error.message);

      const unset = await start({});
      try {
        expect((await providers(unset, newKey)).status).toBe(200);
        expect(await adminStream(unset)).toHaveLength(4);
      } finally {
        await unset.close();
      }
    });

    it('starts without BOOTSTRAP_ADMIN_KEY and no account, warning that no admin exists and how to set one', async () => {
      const gw = await start({});
      try {
        expect(gw.gateway.runtime.directory.accountCount()).toBe(0);
        expect(gw.logs()).toMatch(
          /no account exists, so nobody can use the admin API: set BOOTSTRAP_ADMIN_KEY/,
        );
      } finally {
        await gw.close();
      }
    });

    it('refuses BOOTSTRAP_USERS=on: full mode generates and prints no keys', async () => {
      const error = await rejection(start({ BOOTSTRAP_USERS: 'on' }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/In full mode set BOOTSTRAP_ADMIN_KEY/);
    });

    it.each([
      ['VAULT_KEYS', { VAULT_KEYS: '1:c3dpdGNoeWFyZC1kZW1vLW9ubHktY2hhbmdlLW1lISE=' }],
      ['VAULT_FINGERPRINT_KEY', { VAULT_FINGERPRINT_KEY: 'ZGVtby1vbmx5LWZpbmdlcnByaW50LWtleS0zMmJ5dGU=' }],
    ])('refuses to start with the old demo %s of docker-compose.yml', async (name, env) => {
      const error = await rejection(start({ BOOTSTRAP_ADMIN_KEY: adminKey(), ...env }));
      expect(error).toBeInstanceOf(VaultConfigError);
      expect(error.message).toContain(`${name}`);
      expect(error.message).toContain('is a published demo key');
      expect(error.message).not.toContain('c3dpdGNoeWFyZC1k');
      expect(error.message).not.toContain('ZGVtby1vbmx5');
    });
  },
  'full mode, which runs on PostgreSQL',
);

describe('embedded mode: key files and the data directory', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'switchyard-perm-'));
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('creates the data directory 0700 and its key files 0600, and keeps credentials.json beside BOOTSTRAP_ADMIN_KEY', async () => {
    const dataDir = path.join(parent, 'not', 'yet', 'data');
    const key = adminKey();
    const gw = await startTestGateway('pglite', { DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: key });
    try {
      for (const dir of [dataDir, path.join(dataDir, 'pglite')])
        expect((await stat(dir)).mode & 0o777).toBe(0o700);
      for (const file of ['vault-keys.json', 'credentials.json'])
        expect((await stat(path.join(dataDir, file))).mode & 0o777).toBe(0o600);
      expect(gw.gateway.credentials?.created).toBe(true);
      expect((await providers(gw, gw.adminKey)).status).toBe(200);
      expect((await providers(gw, key)).status).toBe(200);
      expectNoPieceOf(key, gw.logs() + (await wholeLog(gw)));
    } finally {
      await gw.gateway.close();
    }
  });

  it.each(['vault-keys.json', 'credentials.json'])(
    'refuses to start when others may read %s, saying which file and how to fix it',
    async (name) => {
      const dataDir = path.join(parent, 'data');
      await (await startTestGateway('pglite', { DATA_DIR: dataDir })).gateway.close();
      const file = path.join(dataDir, name);
      await chmod(file, 0o644);

      const error = await rejection(startTestGateway('pglite', { DATA_DIR: dataDir }));

      expect(error).toBeInstanceOf(InsecureFileModeError);
      expect(error.message).toContain(`chmod 600 ${file}`);
      await chmod(file, 0o600);
      const again = await startTestGateway('pglite', { DATA_DIR: dataDir });
      expect((await providers(again, again.adminKey)).status).toBe(200);
      await again.gateway.close();
    },
  );
});
