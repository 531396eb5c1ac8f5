import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import pino from 'pino';
import { Agent, request } from 'undici';
import { loadConfig, openStores } from '@gw/platform';
import { toRequestStreamId } from '@gw/routing';
import { describeBackends, type TestDatabaseKind } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import { buildGateway, startGatewayProcess, type BuiltGateway } from './support/gateway-process';

/**
 * DURABILITY=strict promises that an answered request's usage is never lost. This suite runs the
 * built gateway as a child process under concurrent load, SIGKILLs it at random moments and restarts
 * it on the same data (PGlite directory or PostgreSQL schema), then reads the log: every response the
 * client received in full has exactly one UsageRecorded, and no request has two.
 *
 * The kill moments come from a seeded PRNG; the seed is printed, `CRASH_SEED=<seed>` replays them.
 */

const KILLS = 20;
const LOOPS = 12;
/**
 * A kill lands this long after the round's first complete response (so that every round has served,
 * however slow this shared machine is to start a process): the random moment is the experiment.
 */
const KILL_AFTER_MS = { min: 0, max: 300 };

/** mulberry32: a tiny seeded PRNG, so a failing run's kill moments can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Outcome {
  readonly stream: boolean;
  /** x-switchyard-request-id, when the response headers arrived. */
  readonly id?: string;
  readonly status?: number;
  /** A 200 with its full JSON body, or a stream that ended with `data: [DONE]`. */
  readonly complete: boolean;
  /** A response received in full that is not a success (kept to report it). */
  readonly unexpected?: string;
}

const isCompletion = (text: string): boolean => {
  try {
    const body = JSON.parse(text) as { choices?: unknown; usage?: unknown };
    return Array.isArray(body.choices) && typeof body.usage === 'object' && body.usage !== null;
  } catch {
    return false;
  }
};

async function chatOnce(baseUrl: string, key: string, stream: boolean, dispatcher: Agent): Promise<Outcome> {
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'auto',
        messages: [{ role: 'user', content: `Tell me about crash number ${randomUUID()}.` }],
        ...(stream && { stream: true }),
      }),
    });
  } catch {
    return { stream, complete: false }; // refused or cut before the headers
  }
  const header = res.headers['x-switchyard-request-id'];
  const id = typeof header === 'string' ? header : undefined;
  let text: string;
  try {
    text = await res.body.text();
  } catch {
    return { stream, id, status: res.statusCode, complete: false }; // cut mid-body
  }
  const complete =
    res.statusCode === 200 && (stream ? text.endsWith('data: [DONE]\n\n') : isCompletion(text));
  return {
    stream,
    id,
    status: res.statusCode,
    complete,
    // A stream cut by the kill ends without [DONE] and is not unexpected; a full error body is.
    ...(!complete &&
      (res.statusCode !== 200 || !stream) && { unexpected: `${res.statusCode} ${text.slice(0, 300)}` }),
  };
}

/** The child's environment for one backend (PGlite in dataDir, or a fresh PostgreSQL schema). */
function backendEnv(backend: TestDatabaseKind, dataDir: string, schema: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    ...(backend === 'postgres' && {
      DATABASE_URL: process.env.DATABASE_URL!,
      DATABASE_SCHEMA: schema,
      VAULT_KEYS: `1:${randomBytes(32).toString('base64')}`,
      VAULT_FINGERPRINT_KEY: randomBytes(32).toString('base64'),
      AUDIT_CHAIN_KEY: randomBytes(32).toString('base64'),
      AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_KEY: `sk-sy-${randomBytes(32).toString('base64url')}`,
    }),
  };
}

/** The demo user's key from credentials.json, else (full mode without that file) the bootstrap admin key. */
async function gatewayKey(dataDir: string, env: Record<string, string>): Promise<string> {
  try {
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as {
      user: { apiKey: string };
    };
    return credentials.user.apiKey;
  } catch (e) {
    if (env.BOOTSTRAP_ADMIN_KEY) return env.BOOTSTRAP_ADMIN_KEY;
    throw e;
  }
}

let built: BuiltGateway | undefined;
beforeAll(async () => {
  built = await buildGateway();
});
afterAll(() => built?.remove());

describeBackends('kill -9 and restart under load (strict)', (backend) => {
  let dataDir: string;
  const schema = `crash_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-crash-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (backend === 'postgres') {
      const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
      await admin.raw('drop schema if exists ?? cascade', [schema]);
      await admin.destroy();
    }
  });

  it(`every response received in full has exactly one UsageRecorded, after ${KILLS} SIGKILLs`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    process.stderr.write(`crash-restart (${backend}): seed ${seed} (replay with CRASH_SEED=${seed})\n`);
    const killMoment = seededRandom(seed); // its own sequence, so the kill delays replay exactly
    const streamOrNot = seededRandom(seed + 1);
    const env = {
      ...backendEnv(backend, dataDir, schema),
      MOCK_PROVIDERS: 'on',
      MOCK_LATENCY_MS: '15',
      MOCK_FAILURE_RATE: '0',
      DURABILITY: 'strict',
      HEALTH_PROBE_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    };
    const started = Date.now();
    const outcomes: Outcome[] = [];
    let key: string | undefined;
    for (let kill = 1; kill <= KILLS; kill++) {
      const gateway = await startGatewayProcess(built!.main, env);
      key ??= await gatewayKey(dataDir, env);
      const dispatcher = new Agent({ connections: LOOPS });
      let stopped = false;
      let served = 0;
      const loops = Array.from({ length: LOOPS }, async () => {
        const mine: Outcome[] = [];
        while (!stopped) {
          const outcome = await chatOnce(gateway.baseUrl, key!, streamOrNot() < 0.5, dispatcher);
          if (outcome.complete) served += 1;
          mine.push(outcome);
        }
        return mine;
      });
      await eventually(() => (served > 0 ? true : undefined), 60_000, `a first response after start ${kill}`);
      const killAfter =
        KILL_AFTER_MS.min + Math.floor(killMoment() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
      await new Promise((r) => setTimeout(r, killAfter)); // the random moment of the crash, not a wait
      stopped = true;
      const exit = await gateway.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      outcomes.push(...(await Promise.all(loops)).flat());
      await dispatcher.destroy();
    }

    // One more start recovers from the last kill and serves; then a clean stop releases the data.
    const last = await startGatewayProcess(built!.main, env);
    const dispatcher = new Agent({ connections: 1 });
    for (const stream of [false, true]) outcomes.push(await chatOnce(last.baseUrl, key!, stream, dispatcher));
    await dispatcher.destroy();
    expect(outcomes.slice(-2).every((o) => o.complete)).toBe(true);
    expect(await last.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    const stores = await openStores(
      loadConfig(backendEnv(backend, dataDir, schema)),
      pino({ level: 'silent' }),
      'crash-test:verify',
    );
    try {
      const { rows } = await stores.knex.raw<{ rows: Array<{ stream_id: string; n: number }> }>(
        "select stream_id, count(*)::int as n from events where type = 'UsageRecorded' group by stream_id",
      );
      const usageByStream = new Map(rows.map((r) => [r.stream_id, Number(r.n)]));
      const completed = outcomes.filter((o) => o.complete);
      const incomplete = outcomes.filter((o) => !o.complete);
      const lostWithId = incomplete.filter((o) => o.id && !usageByStream.has(toRequestStreamId(o.id)));
      process.stderr.write(
        `crash-restart (${backend}): ${KILLS} kills, ${outcomes.length} requests, ${completed.length} ` +
          `completed (${completed.filter((o) => o.stream).length} streamed), ${incomplete.length} without a ` +
          `full answer (${incomplete.filter((o) => o.id).length} had headers; ${lostWithId.length} of those ` +
          `left no usage, ${incomplete.length - incomplete.filter((o) => o.id).length} never got headers), ` +
          `${rows.length} UsageRecorded in the log, ${Math.round((Date.now() - started) / 100) / 10} s\n`,
      );

      expect(outcomes.filter((o) => o.unexpected).map((o) => o.unexpected)).toEqual([]);
      expect(completed.length).toBeGreaterThan(KILLS); // the load really ran between the kills
      expect(completed.filter((o) => o.stream).length).toBeGreaterThan(0);
      expect(incomplete.length).toBeGreaterThan(0); // and the kills really cut requests
      // Every response the client received in full: exactly one UsageRecorded, for that request.
      const missing: string[] = [];
      for (const o of completed) {
        const events = await stores.eventStore.readStream(toRequestStreamId(o.id!));
        const usage = events.filter((e) => e.type === 'UsageRecorded');
        const data = (usage[0]?.data ?? {}) as { requestId?: string; streamed?: boolean; outcome?: string };
        const recorded = `${data.requestId}/${data.streamed}/${data.outcome}`;
        if (usage.length !== 1 || recorded !== `${o.id}/${o.stream}/completed`)
          missing.push(`${o.id}: ${events.map((e) => e.type).join(',') || 'no events'}`);
      }
      expect(missing).toEqual([]);
      // No request, answered or not, has more than one.
      expect(rows.filter((r) => Number(r.n) > 1)).toEqual([]);
    } finally {
      await stores.close();
    }
  }, 300_000); // about 60 s (PGlite) and 30 s (PostgreSQL) here; 21 process starts on a busy box take longer
});
