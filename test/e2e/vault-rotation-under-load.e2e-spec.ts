import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import OpenAI from 'openai';
import request from 'supertest';
import { describePostgres } from '@gw/database/testing';
import {
  KeyEncryptionKeys,
  PostgresKeyVault,
  VAULT_KEYS_FILE,
  VAULT_SECRETS_TABLE,
  type SecretRef,
} from '@gw/key-vault';
import { loadConfig } from '@gw/platform';
import { eventually } from '@gw/shared-kernel/testing';
import { rewrapVault } from '../../apps/gateway/src/cli/rewrap-vault';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const PLATFORM_KEY = 'sk-rotation-load-platform-key-7c1d9e3a5b';
const key = (): Buffer => randomBytes(32);

/** An OpenAI-compatible upstream that answers only the platform key: a success proves it was decrypted. */
async function startKeyCheckingUpstream(): Promise<{
  url: string;
  seen: { ok: number; refused: number };
  server: Server;
}> {
  const seen = { ok: 0, refused: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${PLATFORM_KEY}`) {
        seen.refused += 1;
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' },
          }),
        );
        return;
      }
      seen.ok += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${randomUUID()}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'rot-1',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen, server };
}

const rotorModel = {
  provider: 'rotor',
  model: 'rot-1',
  displayName: 'Rotor 1',
  prices: { inputPerMillionMicros: '1000', outputPerMillionMicros: '2000' },
  contextWindow: 32_000,
  maxOutputTokens: 1_024,
  capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
  quality: 0.5,
  powerLevels: ['eco', 'balanced', 'precision'],
};

async function registerRotor(gw: TestGateway, upstreamUrl: string): Promise<void> {
  const admin = (p: string) => request(gw.baseUrl).post(p).set('authorization', `Bearer ${gw.adminKey}`);
  await admin('/api/v1/admin/providers')
    .send({
      slug: 'rotor',
      name: 'Rotor',
      kind: 'openai-compatible',
      baseUrl: upstreamUrl,
      apiKey: PLATFORM_KEY,
    })
    .expect(201);
  await admin('/api/v1/admin/models').send(rotorModel).expect(201);
}

/**
 * Chat requests to rotor/rot-1 from `concurrency` loops until stopped; every outcome is kept. `completed`
 * counts the answers, so a test can wait for requests that finished after some moment (a later marker).
 */
function serveLoad(gw: TestGateway, concurrency = 4) {
  const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
  const state = { completed: 0, failures: [] as string[], stopped: false };
  const loops = Array.from({ length: concurrency }, async () => {
    while (!state.stopped) {
      try {
        const answer = await client.chat.completions.create({
          model: 'rotor/rot-1',
          messages: [{ role: 'user', content: 'hi' }],
        });
        if (answer.choices[0]?.message.content !== 'ok') state.failures.push('unexpected answer');
      } catch (e) {
        state.failures.push((e as Error).message);
      }
      state.completed += 1;
    }
  });
  return {
    state,
    /** Resolves once `more` further requests have completed. */
    waitForMore: (more: number) => {
      const target = state.completed + more;
      return eventually(
        () => (state.completed >= target ? true : undefined),
        20_000,
        `${more} more requests`,
      );
    },
    stop: async () => {
      state.stopped = true;
      await Promise.all(loops);
    },
  };
}

const vaultRows = (gw: TestGateway) =>
  gw.gateway.runtime.knex(VAULT_SECRETS_TABLE).where({ scope: 'platform', owner_id: 'rotor' });

describe('KEK rotation while serving (embedded: POST /api/v1/admin/vault/rewrap)', () => {
  let dataDir: string;
  let upstream: Awaited<ReturnType<typeof startKeyCheckingUpstream>>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-rotation-load-'));
    upstream = await startKeyCheckingUpstream();
  });
  afterAll(async () => {
    await new Promise((resolve) => upstream?.server.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds a KEK version and re-wraps inside the gateway; no request fails, the key decrypts under v2 alone', async () => {
    const gw = await startTestGateway('pglite', { DATA_DIR: dataDir });
    try {
      await registerRotor(gw, upstream.url);
      expect((await vaultRows(gw)).map((r: { kek_version: number }) => r.kek_version)).toEqual([1]);
      const load = serveLoad(gw);
      try {
        await load.waitForMore(10);
        const rotated = await request(gw.baseUrl)
          .post('/api/v1/admin/vault/rewrap')
          .set('authorization', `Bearer ${gw.adminKey}`)
          .send({ addKey: true })
          .expect(200);
        expect(rotated.body).toEqual({ activeKekVersion: 2, kekVersions: [1, 2], rewrapped: 1 });
        await load.waitForMore(10); // requests served after the rotation
      } finally {
        await load.stop();
      }
      expect(load.state.failures).toEqual([]);
      expect(upstream.seen.refused).toBe(0);
      expect((await vaultRows(gw)).map((r: { kek_version: number }) => r.kek_version)).toEqual([2]);
      const again = await request(gw.baseUrl)
        .post('/api/v1/admin/vault/rewrap')
        .set('authorization', `Bearer ${gw.adminKey}`)
        .expect(200);
      expect(again.body).toMatchObject({ activeKekVersion: 2, rewrapped: 0 });
      await request(gw.baseUrl)
        .post('/api/v1/admin/vault/rewrap')
        .set('authorization', `Bearer ${gw.userKey}`)
        .expect(403);
      await request(gw.baseUrl)
        .post('/api/v1/admin/vault/rewrap')
        .set('authorization', `Bearer ${gw.adminKey}`)
        .send({ addKey: 'yes' })
        .expect(400);
      expect(gw.logs()).not.toContain(PLATFORM_KEY);
    } finally {
      await gw.close();
    }

    // v1 leaves the key file; a restarted gateway holds v2 only and still serves with the platform key.
    const file = path.join(dataDir, VAULT_KEYS_FILE);
    const content = JSON.parse(await readFile(file, 'utf8')) as { vaultKeys: string };
    const onlyV2 = content.vaultKeys
      .split(',')
      .filter((entry) => entry.startsWith('2:'))
      .join(',');
    expect(onlyV2).toMatch(/^2:/);
    await writeFile(file, JSON.stringify({ ...content, vaultKeys: onlyV2 }), { mode: 0o600 });
    const restarted = await startTestGateway('pglite', { DATA_DIR: dataDir });
    try {
      const client = new OpenAI({
        baseURL: `${restarted.baseUrl}/v1`,
        apiKey: restarted.userKey,
        maxRetries: 0,
      });
      const before = upstream.seen.ok;
      const answer = await client.chat.completions.create({
        model: 'rotor/rot-1',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(answer.choices[0]?.message.content).toBe('ok');
      expect(upstream.seen.ok).toBe(before + 1);
    } finally {
      await restarted.close();
    }
  });
});

describePostgres(
  'KEK rotation while serving (full mode: the vault:rewrap CLI’s rewrapVault, called in-process beside a live gateway)',
  () => {
    const [k1, k2, fingerprint] = [key(), key(), key()];
    const schema = `e2e_rotation_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    let upstream: Awaited<ReturnType<typeof startKeyCheckingUpstream>>;

    beforeAll(async () => {
      upstream = await startKeyCheckingUpstream();
    });
    afterAll(async () => {
      await new Promise((resolve) => upstream?.server.close(resolve));
      const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
      await admin.raw('drop schema if exists ?? cascade', [schema]);
      await admin.destroy();
    });

    it('rewrapVault (the CLI’s function, in-process) re-wraps under v2 while the gateway serves; no request fails, the key decrypts under v2 alone', async () => {
      const bothKeys = `1:${k1.toString('base64')},2:${k2.toString('base64')}`;
      const env = {
        DATABASE_SCHEMA: schema,
        VAULT_KEYS: bothKeys,
        VAULT_FINGERPRINT_KEY: fingerprint.toString('base64'),
      };
      const gw = await startTestGateway('postgres', env);
      try {
        await registerRotor(gw, upstream.url);
        // Before the rotation: the row is under v1 (as a key stored before v2 was configured would be).
        const v1Active = KeyEncryptionKeys.of({
          keys: { 1: k1, 2: k2 },
          fingerprintKey: fingerprint,
          activeVersion: 1,
        });
        expect(await new PostgresKeyVault(gw.gateway.runtime.knex, v1Active).rewrap()).toBe(1);
        expect((await vaultRows(gw)).map((r: { kek_version: number }) => r.kek_version)).toEqual([1]);

        const load = serveLoad(gw);
        try {
          await load.waitForMore(10);
          const cliConfig = loadConfig({
            DATABASE_URL: process.env.DATABASE_URL!,
            ...env,
            LOG_LEVEL: 'silent',
          });
          expect(await rewrapVault(cliConfig)).toBe(1);
          await load.waitForMore(10);
        } finally {
          await load.stop();
        }
        expect(load.state.failures).toEqual([]);
        expect(upstream.seen.refused).toBe(0);

        const [row] = (await vaultRows(gw)) as Array<{
          kek_version: number;
          secret_id: string;
          provider: string;
        }>;
        expect(row?.kek_version).toBe(2);
        const ref: SecretRef = {
          scope: 'platform',
          ownerId: 'rotor',
          secretId: row!.secret_id,
          provider: row!.provider,
        };
        const v2Only = KeyEncryptionKeys.of({ keys: { 2: k2 }, fingerprintKey: fingerprint });
        expect(await new PostgresKeyVault(gw.gateway.runtime.knex, v2Only).get(ref)).toBe(PLATFORM_KEY);

        // Keys from VAULT_KEYS cannot be added by the gateway: the operator adds them to the environment.
        const refused = await request(gw.baseUrl)
          .post('/api/v1/admin/vault/rewrap')
          .set('authorization', `Bearer ${gw.adminKey}`)
          .send({ addKey: true })
          .expect(409);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(gw.logs()).not.toContain(PLATFORM_KEY);
      } finally {
        await gw.close();
      }
    });
  },
);
