import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { rewrapVault } from '../../apps/gateway/src/cli/rewrap-vault';
import { loadConfig } from '@gw/platform';
import { startTestGateway } from './support/test-gateway';

const key = () => randomBytes(32).toString('base64');

/**
 * Rotating the vault's key-encryption key: add v2, re-wrap, drop v1. The platform key still decrypts
 * and the provider still serves, across restarts of the same embedded data directory. The re-wrap is
 * `rewrapVault`, the function `npm run vault:rewrap` runs, called in-process between the two gateway
 * runs (the command's argument handling and process exit are not tested here).
 */
describe('vault key rotation (embedded, across restarts; rewrapVault called in-process)', () => {
  let dataDir: string;
  const [k1, k2, fingerprint] = [key(), key(), key()];
  const PLATFORM_KEY = 'sk-rotation-e2e-platform-key-000042';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-rotation-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const start = (vaultKeys: string) =>
    startTestGateway('pglite', {
      DATA_DIR: dataDir,
      VAULT_KEYS: vaultKeys,
      VAULT_FINGERPRINT_KEY: fingerprint,
    });

  it('rewrapVault, called in-process with the gateway stopped, re-wraps under v2, after which v1 can go', async () => {
    const first = await start(`1:${k1}`);
    try {
      await request(first.baseUrl)
        .post('/api/v1/admin/providers')
        .set('authorization', `Bearer ${first.adminKey}`)
        .send({
          slug: 'rotor',
          name: 'Rotor',
          kind: 'openai-compatible',
          baseUrl: 'mock://mock-atlas/v1', // the built-in mock, wherever it listens after a restart

          apiKey: PLATFORM_KEY,
        })
        .expect(201)
        .expect((res) => expect(res.body.platformKey.kekVersion).toBe(1));
    } finally {
      await first.close();
    }

    const both = loadConfig({
      DATA_DIR: dataDir,
      VAULT_KEYS: `1:${k1},2:${k2}`,
      VAULT_FINGERPRINT_KEY: fingerprint,
      LOG_LEVEL: 'silent',
    });
    expect(await rewrapVault(both)).toBe(1);
    expect(await rewrapVault(both)).toBe(0); // nothing left under v1

    const second = await start(`2:${k2}`); // v1 is gone from the configuration
    try {
      const res = await request(second.baseUrl)
        .post('/api/v1/admin/providers/rotor/test')
        .set('authorization', `Bearer ${second.adminKey}`)
        .send({})
        .expect(200);
      expect(res.body).toMatchObject({ ok: true });
      const provider = await request(second.baseUrl)
        .get('/api/v1/admin/providers/rotor')
        .set('authorization', `Bearer ${second.adminKey}`)
        .expect(200);
      expect(provider.body.status).toBe('active');
      expect(second.logs()).not.toContain(PLATFORM_KEY);
    } finally {
      await second.close();
    }
  }, 150_000); // two embedded gateway starts and a re-wrap of the vault in one test: 53 s in a quiet CI run
});
