import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { Writable } from 'node:stream';
import knexFactory from 'knex';
import { CommandBus } from '@nestjs/cqrs';
import { LOCAL_CREDENTIALS, type LocalCredentials } from '@gw/accounts';
import { createGateway, type Gateway } from '../../../apps/gateway/src/app.factory';
import { bootstrapUsers } from '../../../apps/gateway/src/bootstrap/bootstrap-users';
import { createLogger, loadConfig, openStores, type GatewayConfig } from '@gw/platform';

const root = path.resolve(__dirname, '../../..');

/**
 * A new PGlite data directory costs an initdb and every migration (1.5 to 2 s of CPU here, for each
 * of the many embedded gateways the suites start). The first suite to need one opens the stores
 * once, the way the gateway does (initdb, all migrations, a clean close), and keeps that empty
 * migrated directory under node_modules/.cache, named by the migrations and the PGlite version;
 * every embedded test gateway whose DATA_DIR the harness chooses starts from a copy of it. Suites
 * that pass their own DATA_DIR (first-start and data-directory tests) still start from nothing.
 */
let pgliteTemplate: Promise<string> | undefined;
async function migratedPgliteTemplate(): Promise<string> {
  const hash = createHash('sha256');
  const migrations = path.join(root, 'migrations');
  for (const file of (await readdir(migrations)).sort())
    hash.update(file).update(await readFile(path.join(migrations, file)));
  hash.update(await readFile(path.join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  const cache = path.join(root, 'node_modules', '.cache', 'switchyard-e2e');
  const template = path.join(cache, `pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (
    await readdir(template).then(
      () => true,
      () => false,
    )
  )
    return template;
  await mkdir(cache, { recursive: true });
  const scratch = await mkdtemp(path.join(cache, 'pglite-template-new-'));
  try {
    const stores = await openStores(
      loadConfig({ DATA_DIR: scratch, MOCK_PROVIDERS: 'on' }),
      pino({ level: 'silent' }),
      'e2e:template',
    );
    await stores.close();
    // Another worker may have won the race: its copy is as good, and this one is dropped.
    await rename(path.join(scratch, 'pglite'), template).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return template;
}

/**
 * Full mode takes the audit chain's keys from the environment: every start on one schema (a database
 * that outlives restarts) gets the same pair, derived from the schema name under a per-run secret.
 */
const auditSecret = randomBytes(32);
export const auditKeysFor = (schema: string): Record<'AUDIT_CHAIN_KEY' | 'AUDIT_SIGNING_KEY', string> => ({
  AUDIT_CHAIN_KEY: createHmac('sha256', auditSecret).update(`chain:${schema}`).digest('base64'),
  AUDIT_SIGNING_KEY: createHmac('sha256', auditSecret).update(`signing:${schema}`).digest('base64'),
});

/**
 * Suites declare both with `describeBackends` (`@gw/database/testing`): without DATABASE_URL the
 * PostgreSQL variant is skipped with the reason, never left out.
 */
export type Backend = 'pglite' | 'postgres';

export interface TestGateway {
  readonly gateway: Gateway;
  readonly baseUrl: string;
  /** The test accounts' keys and the user's id; '' with `testAccounts: false`. */
  readonly userKey: string;
  readonly adminKey: string;
  readonly userId: string;
  /** Local sign-in of the test accounts (usernames `admin` and `demo`); '' with `testAccounts: false`. */
  readonly userPassword: string;
  readonly adminPassword: string;
  /** Every log line the gateway wrote, as text. */
  readonly logs: () => string;
  /** Resolves when every in-process projection has applied everything written so far. */
  readonly waitForProjections: () => Promise<void>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /**
   * Default true: an admin and a user with gateway keys. Embedded mode creates them itself
   * (credentials.json); full mode generates no keys, so the harness opens them. False: only what the
   * gateway itself creates (e.g. the BOOTSTRAP_ADMIN_KEY admin).
   */
  readonly testAccounts?: boolean;
  /**
   * Default `lifted`: every tier unlimited, so suites that send many requests as one user (outages,
   * fuzz, load) test what they are about rather than the per-tier rate limits. `defaults`: the
   * product's limits, for the suites that test them.
   */
  readonly rateLimits?: 'lifted' | 'defaults';
  /**
   * The provider health tracker's clock (circuit cooldowns, retry-after pauses): a test moves it on
   * instead of waiting for a window to pass. Default: real time.
   */
  readonly healthClock?: { nowMs(): number };
}

export async function startTestGateway(
  backend: Backend,
  env: Record<string, string> = {},
  options: TestGatewayOptions = {},
): Promise<TestGateway> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-e2e-'));
  if (backend === 'pglite' && env.DATA_DIR === undefined)
    await cp(await (pgliteTemplate ??= migratedPgliteTemplate()), path.join(dataDir, 'pglite'), {
      recursive: true,
    });
  const schema = `e2e_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const config: GatewayConfig = loadConfig({
    DATA_DIR: dataDir,
    MOCK_PROVIDERS: 'on',
    MOCK_LATENCY_MS: '0',
    MOCK_FAILURE_RATE: '0',
    LOG_LEVEL: 'info',
    PORT: '0',
    ...(backend === 'postgres'
      ? {
          DATABASE_URL: process.env.DATABASE_URL!,
          DATABASE_SCHEMA: schema,
          // Outside embedded mode the vault's keys come from the environment.
          VAULT_KEYS: `1:${randomBytes(32).toString('base64')}`,
          VAULT_FINGERPRINT_KEY: randomBytes(32).toString('base64'),
          // …and so do the audit chain's keys.
          ...auditKeysFor(env.DATABASE_SCHEMA ?? schema),
        }
      : {}),
    ...env,
  });
  let logText = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  // The gateway's own logger (its redaction included), writing into memory.
  const logger = createLogger('info', 'switchyard-gateway', sink);
  const gateway = await createGateway(
    config,
    logger,
    options.healthClock ? { healthNow: options.healthClock.nowMs } : {},
  );
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const credentials =
    options.testAccounts === false
      ? null
      : (gateway.credentials ??
        (await bootstrapUsers(
          gateway.app.get(CommandBus),
          gateway.runtime.directory,
          dataDir,
          logger,
          gateway.app.get<LocalCredentials>(LOCAL_CREDENTIALS),
        )) ??
        noTestAccounts());
  if (credentials && options.rateLimits !== 'defaults')
    await liftRateLimits(address.port, credentials.admin.apiKey);
  return {
    gateway,
    baseUrl: `http://127.0.0.1:${address.port}`,
    userKey: credentials?.user.apiKey ?? '',
    adminKey: credentials?.admin.apiKey ?? '',
    userId: credentials?.user.userId ?? '',
    userPassword: credentials?.user.password ?? '',
    adminPassword: credentials?.admin.password ?? '',
    logs: () => logText,
    waitForProjections: async () => {
      // The head as readers see it can lag behind our own commits on a shared PostgreSQL (a transaction
      // in flight anywhere holds readers back), so also wait for the last position this gateway wrote.
      const head = await gateway.runtime.eventStore.headPosition();
      const own = gateway.runtime.writer.lastWritten();
      for (const position of [head, own]) {
        if (position && gateway.runtime.projections)
          await gateway.runtime.projections.waitFor(position, { timeoutMs: 20_000 });
      }
    },
    close: async () => {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
      if (backend === 'postgres') {
        const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
        await admin.raw('drop schema if exists ?? cascade', [schema]);
        await admin.destroy();
      }
    },
  };
}

async function liftRateLimits(port: number, adminKey: string): Promise<void> {
  const unlimited = { rpm: null, rph: null, rpd: null, tpm: null };
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/admin/limits`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      tiers: { free: unlimited, starter: unlimited, professional: unlimited, enterprise: unlimited },
    }),
  });
  if (res.status !== 200)
    throw new Error(`lifting the rate limits answered ${res.status}: ${await res.text()}`);
}

function noTestAccounts(): never {
  throw new Error(
    'The store already has accounts, so no test accounts were opened: pass testAccounts: false',
  );
}
