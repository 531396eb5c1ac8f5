#!/usr/bin/env node
// Full mode under load (issue 19): PostgreSQL event log and read models, Redis limits and budget, the
// projections in apps/projector as a separate process.
//
//   npm run bench:full                            # builds, then runs (about 2 minutes)
//   node scripts/build.mjs && node scripts/bench/full-mode.mjs
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
//     BENCH_OUT=/tmp/full.json node scripts/bench/full-mode.mjs
//
// Needs a local PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and Redis
// (REDIS_URL, default redis://127.0.0.1:6379); "local" because their CPU is read from /proc. Each run
// uses a fresh schema (DATABASE_SCHEMA=bench_<random>, dropped at the end) and a new user whose Redis
// keys (`switchyard:…{<its id>}…`) are deleted at the end; nothing else in Redis is touched.
// Every secret full mode needs (vault, audit, session, admin key, metrics token) is generated per run.
//
// What runs: the mock upstream (latency 0), the gateway (`PROJECTIONS=off`, `MOCK_PROVIDERS=on`, the
// mock as every mock provider's upstream, DURABILITY=BENCH_DURABILITY, LOG_LEVEL=warn) and the projector,
// both on that schema. With BOOTSTRAP_ADMIN_KEY the bench creates a professional user and a gateway key
// (admin API), raises the tier's limits so nothing is refused and grants $10,000 of credits, exactly as
// lib/processes.mjs startGateway does in embedded mode: every request still pays for the rate-limit
// check and the budget hold.
//
// Phases:
//   warm-up      c=1 both paths, then c=N for 2 s; the projector catches up; idle CPU rates for 2 s
//   c=1          non-streaming, direct (mock) vs gateway, BENCH_ROUNDS rounds of BENCH_ROUND in ABBA
//                order: added p50/p99 (gateway percentile − direct percentile)
//   c=N          non-streaming, 2 rounds of BENCH_C32_SECONDS through the gateway: req/s
// CPU per request (µs, utime+stime from /proc, 10 ms ticks) for each of: the gateway process; the
// projector process; PostgreSQL, split into the backends of the gateway and of the projector (told
// apart by PGAPPNAME → pg_stat_activity.application_name) and the server's background processes
// (walwriter, checkpointer, …); PostgreSQL's every process on the box (includes other clients' load
// and, through the postmaster's reaped-children time, exited backends and autovacuum workers); and
// redis-server. The gateway and Redis are counted over the gateway's load only; the projector and
// PostgreSQL from the start of the phase until the projector has caught up (its /metrics shows every
// switchyard_projection_lag_seconds at 0), less their idle rate over the direct rounds at c=1.
// At the end: peak RSS (VmHWM) of the gateway and the projector.
//
// Settings (env): BENCH_DURABILITY (strict | relaxed, default strict), BENCH_CONCURRENCY (32),
// BENCH_C32_SECONDS (5), BENCH_ROUNDS (4), BENCH_ROUND (250), BENCH_WARMUP (300), BENCH_MAX_TOKENS (16),
// BENCH_OUT (JSON file), BENCH_TIMEOUT_SECONDS (600), BENCH_GATEWAY_ENV (extra gateway env,
// "A=1 B=2"). The markdown table goes to stdout, progress to stderr. See docs/benchmarks.md.
import { envNumber as num, gatewayEnvFromBenchEnv } from './lib/env.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { request } from 'undici';
import { closedLoop, makeTarget, metricsClient, oneRequest, scrapeMetrics } from './lib/load.mjs';
import {
  freePort,
  installCleanupHandlers,
  makeTempDir,
  procCpuSeconds,
  repoRoot,
  runMain,
  startMock,
  stopProcess,
} from './lib/processes.mjs';
import { round, summarize } from './lib/stats.mjs';

const config = {
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  durability: process.env.BENCH_DURABILITY || 'strict',
  c: Math.max(1, Math.round(num('BENCH_CONCURRENCY', 32))),
  seconds: num('BENCH_C32_SECONDS', 5),
  rounds: Math.max(2, Math.round(num('BENCH_ROUNDS', 4))),
  perRound: Math.max(20, Math.round(num('BENCH_ROUND', 250))),
  warmup: Math.round(num('BENCH_WARMUP', 300)),
  maxTokens: Math.round(num('BENCH_MAX_TOKENS', 16)),
  out: process.env.BENCH_OUT || undefined,
  gatewayEnv: gatewayEnvFromBenchEnv(),
};
if (!['strict', 'relaxed'].includes(config.durability))
  throw new Error(`BENCH_DURABILITY must be strict or relaxed; got "${config.durability}"`);
installCleanupHandlers({ timeoutSeconds: num('BENCH_TIMEOUT_SECONDS', 600) });
const log = (msg) => process.stderr.write(`[bench:full ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const messages = [{ role: 'user', content: 'Hello' }];

const runId = randomBytes(5).toString('hex');
const schema = `bench_${runId}`;
const appName = { gateway: `bench-${runId}-gateway`, projector: `bench-${runId}-projector` };

// --- secrets: generated per run, never printed ----------------------------------------------------

/** 32 random bytes in base64 that the gateway's key checks accept (≥ 16 distinct, not all printable). */
function key32() {
  for (;;) {
    const b = randomBytes(32);
    if (new Set(b).size >= 16 && !b.every((x) => x >= 0x20 && x <= 0x7e)) return b.toString('base64');
  }
}
const adminKey = `sk-${randomBytes(32).toString('hex')}`;
const metricsToken = randomBytes(32).toString('hex');
const fullModeEnv = {
  DATABASE_URL: config.databaseUrl,
  DATABASE_SCHEMA: schema,
  REDIS_URL: config.redisUrl,
  VAULT_KEYS: `1:${key32()}`,
  VAULT_FINGERPRINT_KEY: key32(),
  AUDIT_CHAIN_KEY: key32(),
  AUDIT_SIGNING_KEY: key32(),
  SESSION_SIGNING_KEY: key32(),
  METRICS_TOKEN: metricsToken,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
};

// --- our own children (the gateway and the projector), stopped before the schema is dropped --------

const ours = new Set();

function spawnNode(name, script, env) {
  const child = spawn(process.execPath, [script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = { name, child, pid: child.pid, output: '', exited: false, exitCode: null };
  const keep = (data) => (proc.output = (proc.output + data.toString('utf8')).slice(-65536));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => {
    proc.exited = true;
    proc.exitCode = code ?? signal;
    ours.delete(proc);
  });
  ours.add(proc);
  return proc;
}

/** Polls `check` (truthy = ready) every 100 ms; fails with the process's output when it exits first. */
async function waitUntil(proc, what, timeoutMs, check) {
  const started = Date.now();
  let lastError;
  for (;;) {
    if (proc.exited)
      throw new Error(`${proc.name} exited (${proc.exitCode}) before ${what}:\n${proc.output}`);
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastError = e; // not yet
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `${proc.name}: no ${what} after ${timeoutMs} ms${lastError ? ` (last: ${lastError.message})` : ''}:\n${proc.output}`,
      );
    await sleep(100);
  }
}

async function httpStatus(url, headers = {}) {
  const res = await request(url, { headers, headersTimeout: 5_000, bodyTimeout: 5_000 });
  const text = await res.body.text();
  return { status: res.statusCode, text };
}

let schemaCreated = false;

/** Last resort on any exit (signal, time limit): kill our children, drop the schema synchronously. */
process.on('exit', () => {
  for (const p of ours) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
  if (schemaCreated) {
    const script =
      "const pg=require('pg');const c=new pg.Client({connectionString:process.env.U});" +
      "c.connect().then(()=>c.query('set lock_timeout = 20000')).then(()=>c.query(process.env.Q))" +
      '.catch((e)=>{console.error(e.message);process.exitCode=1}).finally(()=>c.end())';
    spawnSync(process.execPath, ['-e', script], {
      cwd: repoRoot,
      env: { ...process.env, U: config.databaseUrl, Q: `drop schema if exists "${schema}" cascade` },
      stdio: 'inherit',
      timeout: 30_000,
    });
  }
});

// --- CPU sources ----------------------------------------------------------------------------------

/** Peak resident set (VmHWM) of a process in MB, from /proc; null elsewhere. */
function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** utime, stime, cutime, cstime (s) and ppid of a process, or null when it is gone. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state), f[1] ppid, f[11..14] utime stime cutime cstime
    return {
      ppid: Number(f[1]),
      own: (Number(f[11]) + Number(f[12])) / 100,
      children: (Number(f[13]) + Number(f[14])) / 100,
    };
  } catch {
    return null;
  }
}

/** Pids whose /proc/<pid>/comm is `name` (the postgres server's processes, redis-server). */
function pidsByComm(name) {
  const pids = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name) pids.push(Number(d));
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * Every postgres process's own CPU, plus the postmaster's reaped children's (exited backends and
 * autovacuum workers): the whole server, whoever its clients are.
 */
function postgresAllSeconds() {
  const pids = pidsByComm('postgres');
  const set = new Set(pids);
  let total = 0;
  for (const pid of pids) {
    const s = procStat(pid);
    if (!s) continue;
    total += s.own;
    if (!set.has(s.ppid)) total += s.children; // the postmaster
  }
  return total;
}

/**
 * One sample of every CPU counter: per-pid CPU of our PostgreSQL backends (by application_name) and
 * of the server's background processes, so that a delta counts a backend that started in between
 * from zero.
 */
async function sample(ctx) {
  const { rows } = await ctx.monitor.query(
    'select pid, application_name, backend_type from pg_stat_activity where pid <> pg_backend_pid()',
  );
  const pgPids = { gateway: new Map(), projector: new Map(), background: new Map() };
  for (const r of rows) {
    const group =
      r.application_name === appName.gateway
        ? 'gateway'
        : r.application_name === appName.projector
          ? 'projector'
          : r.backend_type !== 'client backend'
            ? 'background'
            : null;
    if (!group) continue;
    const cpu = procCpuSeconds(r.pid);
    if (cpu !== null) pgPids[group].set(r.pid, cpu);
  }
  for (const pid of ctx.postmasterPids) pgPids.background.set(pid, procCpuSeconds(pid) ?? 0);
  return {
    at: performance.now(),
    gateway: procCpuSeconds(ctx.gateway.pid),
    projector: procCpuSeconds(ctx.projector.pid),
    redis: ctx.redisPids.reduce((s, pid) => s + (procCpuSeconds(pid) ?? 0), 0),
    pgAll: postgresAllSeconds(),
    pgPids,
  };
}

/** Seconds of CPU between two samples, per source. */
function delta(a, b) {
  const pgGroup = (g) => {
    let s = 0;
    for (const [pid, cpu] of b.pgPids[g]) s += cpu - (a.pgPids[g].get(pid) ?? 0);
    return s;
  };
  return {
    seconds: (b.at - a.at) / 1000,
    gateway: b.gateway - a.gateway,
    projector: b.projector - a.projector,
    redis: b.redis - a.redis,
    pgAll: b.pgAll - a.pgAll,
    pgGateway: pgGroup('gateway'),
    pgProjector: pgGroup('projector'),
    pgBackground: pgGroup('background'),
  };
}

const SOURCES = ['gateway', 'projector', 'redis', 'pgAll', 'pgGateway', 'pgProjector', 'pgBackground'];
const sum = (a, b) => Object.fromEntries(['seconds', ...SOURCES].map((k) => [k, (a?.[k] ?? 0) + b[k]]));

/** `switchyard_projection_lag_seconds` of every projection, from the projector's /metrics. */
async function projectionLags(ctx) {
  const { status, text } = await httpStatus(`${ctx.projector.url}/metrics`, {
    authorization: `Bearer ${metricsToken}`,
  });
  if (status !== 200) throw new Error(`the projector's /metrics answered ${status}`);
  const lags = [];
  for (const line of text.split('\n'))
    if (line.startsWith('switchyard_projection_lag_seconds{'))
      lags.push(Number(line.slice(line.lastIndexOf(' ') + 1)));
  return lags;
}

/** Waits until every projection has applied every event (lag 0); returns how long that took (s). */
async function projectorCaughtUp(ctx, timeoutMs = 180_000) {
  const t0 = performance.now();
  for (;;) {
    if (ctx.projector.proc.exited) throw new Error(`the projector exited:\n${ctx.projector.proc.output}`);
    const lags = await projectionLags(ctx);
    if (lags.length > 0 && lags.every((l) => l === 0)) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`the projector did not catch up in ${timeoutMs} ms (lags ${lags.join(', ')})`);
    await sleep(200);
  }
}

/** The gateway's /metrics (METRICS_TOKEN) for the event-commit wait: Δsum / Δcount in ms. */
async function gatewayMetrics(ctx) {
  return scrapeMetrics({
    request: (opts) => ctx.metrics.request({ ...opts, headers: { authorization: `Bearer ${metricsToken}` } }),
  });
}
const commitWaitMs = (a, b) =>
  b.commitCount > a.commitCount
    ? round(((b.commitSum - a.commitSum) * 1000) / (b.commitCount - a.commitCount), 3)
    : null;

// --- processes ------------------------------------------------------------------------------------

async function startFullGateway(mockUrl) {
  const port = await freePort();
  const proc = spawnNode(`gateway (full, ${config.durability})`, 'dist/apps/gateway/src/main.js', {
    ...fullModeEnv,
    PGAPPNAME: appName.gateway,
    PORT: String(port),
    DATA_DIR: makeTempDir('switchyard-bench-full-gw-'),
    DURABILITY: config.durability,
    PROJECTIONS: 'off',
    BOOTSTRAP_ADMIN_KEY: adminKey,
    MOCK_PROVIDERS: 'on',
    MOCK_UPSTREAM_URL: mockUrl,
    MOCK_LATENCY_MS: '0',
    MOCK_FAILURE_RATE: '0',
    ...config.gatewayEnv,
  });
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  await waitUntil(
    proc,
    'GET /health/ready → 200',
    120_000,
    async () => (await httpStatus(`${url}/health/ready`)).status === 200,
  );
  return { proc, pid: proc.pid, url, startupMs: performance.now() - started };
}

async function startProjector() {
  const port = await freePort();
  const proc = spawnNode('projector', 'dist/apps/projector/src/main.js', {
    ...fullModeEnv,
    PGAPPNAME: appName.projector,
    DATA_DIR: makeTempDir('switchyard-bench-full-pj-'),
    METRICS_PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}`;
  const projector = { proc, pid: proc.pid, url };
  await waitUntil(
    proc,
    'its /metrics',
    120_000,
    async () => (await projectionLags({ projector })).length > 0,
  );
  return projector;
}

/** POST/PUT with the admin key; fails unless the answer is `expected`. */
async function admin(gw, method, path, body, expected) {
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== expected)
    throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * A professional user with a gateway key; limits that never refuse and $10,000 of credits, as
 * startGateway (lib/processes.mjs) sets up the embedded demo user.
 */
async function benchUser(gw) {
  const { id: userId } = await admin(
    gw,
    'POST',
    '/api/v1/admin/users',
    { name: `bench ${runId}`, tier: 'professional' },
    201,
  );
  const { id: keyId, apiKey } = await admin(
    gw,
    'POST',
    `/api/v1/admin/users/${userId}/api-keys`,
    { name: 'bench' },
    201,
  );
  const huge = 1_000_000_000;
  await admin(
    gw,
    'PUT',
    '/api/v1/admin/limits',
    { tiers: { professional: { rpm: huge, rph: huge, rpd: huge, tpm: huge } } },
    200,
  );
  await admin(
    gw,
    'POST',
    `/api/v1/admin/users/${userId}/credits`,
    { amountMicros: '10000000000', reason: 'benchmark' },
    201,
  );
  return { userId, keyId, apiKey };
}

/** Deletes this run's Redis keys (those naming the bench user or its key in braces); nothing else. */
async function deleteRedisKeys(redis, ids) {
  let deleted = 0;
  for (const id of ids) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*{${id}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

// --- phases ---------------------------------------------------------------------------------------

const make = (name, origin, headers, model, connections, direct) =>
  makeTarget({
    name,
    origin,
    path: '/v1/chat/completions',
    headers,
    body: { model, messages, max_tokens: config.maxTokens, ...(direct ? { stream: false } : {}) },
    connections,
  });

async function run(target, opts) {
  const r = await closedLoop(target, opts);
  if (r.errors > 0) throw new Error(`${target.name}: ${r.errors} errors, first: ${r.firstError}`);
  return r;
}

/** CPU µs per request of each source (null when no request was made). */
const perRequest = (cpu, requests) =>
  Object.fromEntries(SOURCES.map((k) => [k, requests > 0 ? round((cpu[k] * 1e6) / requests, 0) : null]));

/** c=1: ABBA rounds direct/gateway; gateway and Redis CPU over the gateway rounds only. */
async function phaseC1(ctx, direct, gateway, idle) {
  const lat = { direct: [], gateway: [] };
  let load; // gateway rounds
  let directSeconds = 0;
  let gatewayRequests = 0;
  let gatewayWallMs = 0;
  const m0 = await gatewayMetrics(ctx);
  const start = await sample(ctx);
  for (let i = 0; i < config.rounds; i++) {
    const order = i % 2 === 0 ? [direct, gateway] : [gateway, direct];
    for (const t of order) {
      const a = await sample(ctx);
      const r = await run(t, { concurrency: 1, count: config.perRound, maxSeconds: 120 });
      const b = await sample(ctx);
      if (t === gateway) {
        load = sum(load, delta(a, b));
        gatewayRequests += r.done;
        gatewayWallMs += r.wallMs;
        lat.gateway.push(...r.latencies);
      } else {
        directSeconds += (b.at - a.at) / 1000;
        lat.direct.push(...r.latencies);
      }
    }
  }
  const m1 = await gatewayMetrics(ctx);
  const catchUpSeconds = await projectorCaughtUp(ctx);
  const whole = delta(start, await sample(ctx));
  // Projector and PostgreSQL: the whole phase and the catch-up, less their idle rate over the direct
  // rounds (when the gateway made no events for them).
  const cpu = { ...whole };
  for (const k of SOURCES)
    cpu[k] = k === 'gateway' || k === 'redis' ? load[k] : whole[k] - idle[k] * directSeconds;
  const d = summarize(Float64Array.from(lat.direct));
  const g = summarize(Float64Array.from(lat.gateway));
  return {
    requests: gatewayRequests,
    rps: round(gatewayRequests / (gatewayWallMs / 1000), 0),
    directP50Ms: round(d.p50, 3),
    gatewayP50Ms: round(g.p50, 3),
    addedP50Ms: round(g.p50 - d.p50, 3),
    addedP99Ms: round(g.p99 - d.p99, 3),
    commitWaitMs: commitWaitMs(m0, m1),
    catchUpSeconds: round(catchUpSeconds, 2),
    cpuUsPerRequest: perRequest(cpu, gatewayRequests),
  };
}

/** c=N: 2 rounds through the gateway; gateway and Redis over the load, the rest until caught up. */
async function phaseCN(ctx, gateway) {
  const m0 = await gatewayMetrics(ctx);
  const start = await sample(ctx);
  let requests = 0;
  let wallMs = 0;
  const latencies = [];
  for (let i = 0; i < 2; i++) {
    const r = await run(gateway, { concurrency: config.c, count: 10_000_000, maxSeconds: config.seconds });
    requests += r.done;
    wallMs += r.wallMs;
    latencies.push(...r.latencies);
  }
  const loadEnd = await sample(ctx);
  const m1 = await gatewayMetrics(ctx);
  const catchUpSeconds = await projectorCaughtUp(ctx);
  const whole = delta(start, await sample(ctx));
  const load = delta(start, loadEnd);
  const cpu = { ...whole, gateway: load.gateway, redis: load.redis };
  const s = summarize(Float64Array.from(latencies));
  return {
    requests,
    rps: round(requests / (wallMs / 1000), 0),
    p50Ms: round(s.p50, 3),
    p99Ms: round(s.p99, 3),
    commitWaitMs: commitWaitMs(m0, m1),
    catchUpSeconds: round(catchUpSeconds, 2),
    cpuUsPerRequest: perRequest(cpu, requests),
  };
}

async function main() {
  const monitor = new pg.Client({
    connectionString: config.databaseUrl,
    application_name: `bench-${runId}-monitor`,
  });
  await monitor.connect().catch((e) => {
    throw new Error(`PostgreSQL at DATABASE_URL is not reachable (${e.message}); bench:full needs it`);
  });
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((e) => {
    throw new Error(`Redis at REDIS_URL is not reachable (${e.message}); bench:full needs it`);
  });
  const cleanup = [];
  try {
    const postgresPids = pidsByComm('postgres');
    const redisPids = pidsByComm('redis-server');
    if (postgresPids.length === 0)
      throw new Error(
        'no postgres process on this machine: bench:full reads the server CPU from /proc, so it must be local',
      );
    if (redisPids.length === 0) log('warning: no local redis-server process; Redis CPU will read 0');
    const postmasterPids = postgresPids.filter((pid) => !postgresPids.includes(procStat(pid)?.ppid));
    const { rows } = await monitor.query('show server_version');
    const pgVersion = rows[0].server_version;
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];

    // The gateway creates the schema; the last resort drops it even if the start fails half-way.
    schemaCreated = true;
    cleanup.push(async () => {
      for (const p of [...ours]) await stopProcess(p, 10_000);
      await monitor.query('set lock_timeout = 20000');
      await monitor.query(`drop schema if exists "${schema}" cascade`);
      schemaCreated = false;
      log(`dropped schema ${schema}`);
    });

    const mock = await startMock({ latencyMs: 0 });
    log(`mock upstream at ${mock.url}`);
    const gw = await startFullGateway(mock.url);
    log(
      `gateway (full mode, ${config.durability}, schema ${schema}) at ${gw.url} in ${Math.round(gw.startupMs)} ms`,
    );
    const projector = await startProjector();
    log(`projector metrics at ${projector.url}`);
    const user = await benchUser(gw);
    cleanup.unshift(async () => {
      const n = await deleteRedisKeys(redis, [user.userId, user.keyId]);
      log(`deleted ${n} Redis keys of the bench user`);
    });
    const ctx = {
      monitor,
      gateway: gw,
      projector,
      redisPids,
      postmasterPids,
      metrics: metricsClient(gw.url),
    };

    const auth = { authorization: `Bearer ${user.apiKey}` };
    const probe = make('probe', gw.url, auth, 'auto', 1, false);
    // The new key reaches the gateway's key directory through the event log: a few tries.
    const first = await waitUntil(gw.proc, 'a 200 for the new user key', 15_000, async () => {
      const r = await oneRequest(probe);
      if (r.status !== 200 && r.status !== 401) throw new Error(`gateway answered ${r.status}: ${r.text}`);
      return r.status === 200 ? r : null;
    });
    const routed = String(first.headers['x-switchyard-model']);
    const upstreamModel = routed.slice(routed.indexOf('/') + 1);
    await probe.close();
    log(`routed to ${routed}`);
    const t = {
      direct1: make('direct', mock.url, {}, upstreamModel, 1, true),
      gw1: make('gateway', gw.url, auth, routed, 1, false),
      gwN: make('gateway', gw.url, auth, routed, config.c, false),
    };

    log('warm-up');
    for (const x of [t.direct1, t.gw1])
      await run(x, { concurrency: 1, count: config.warmup, maxSeconds: 30 });
    await run(t.gwN, { concurrency: config.c, count: 10_000_000, maxSeconds: 2 });
    await projectorCaughtUp(ctx);
    const i0 = await sample(ctx);
    await sleep(2_000);
    const idleDelta = delta(i0, await sample(ctx));
    const idle = Object.fromEntries(SOURCES.map((k) => [k, idleDelta[k] / idleDelta.seconds]));

    log(`c=1 non-streaming, ${config.rounds} ABBA rounds of ${config.perRound}`);
    const c1 = await phaseC1(ctx, t.direct1, t.gw1, idle);
    log(`c=${config.c} non-streaming, 2 rounds of ${config.seconds} s`);
    const cN = await phaseCN(ctx, t.gwN);
    const rss = { gatewayMb: peakRssMb(gw.pid), projectorMb: peakRssMb(projector.pid) };
    for (const x of Object.values(t)) await x.close();
    await ctx.metrics.close();

    const result = {
      when: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        node: process.version,
        loadavg: os.loadavg().map((v) => round(v, 2)),
      },
      mode: 'full',
      durability: config.durability,
      postgres: pgVersion,
      redis: redisVersion,
      routed,
      env: config.gatewayEnv,
      concurrency: config.c,
      idleCoresPerSource: Object.fromEntries(SOURCES.map((k) => [k, round(idle[k], 3)])),
      c1,
      cN,
      peakRss: rss,
    };
    printTable(result);
    if (config.out) writeFileSync(config.out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const step of cleanup) {
      try {
        await step();
      } catch (e) {
        log(`cleanup: ${e.message}`);
      }
    }
    await redis.quit().catch(() => undefined);
    await monitor.end().catch(() => undefined);
  }
}

function printTable(r) {
  const c1 = r.c1.cpuUsPerRequest;
  const cN = r.cN.cpuUsPerRequest;
  const pgOurs = (x) => x.pgGateway + x.pgProjector + x.pgBackground;
  const row = (label, a, b, unit, target = '') =>
    `| ${label} | ${a ?? '–'}${unit} | ${b ?? '–'}${unit} | ${target} |`;
  const lines = [
    `Switchyard full mode (${r.durability}; PostgreSQL ${r.postgres}, Redis ${r.redis}), ${r.machine.cpus} CPUs, node ${r.machine.node}, load average ${r.machine.loadavg.join(' ')}`,
    '',
    `| | c=1 | c=${r.concurrency} | target |`,
    '|---|---:|---:|---|',
    row('req/s (gateway)', r.c1.rps, r.cN.rps, ''),
    row(
      'added p50 / p99 (vs mock direct)',
      `${r.c1.addedP50Ms} / ${r.c1.addedP99Ms}`,
      undefined,
      ' ms',
      'p50 ≤ 2.5 ms (strict)',
    ),
    row('latency p50 / p99', r.c1.gatewayP50Ms, `${r.cN.p50Ms} / ${r.cN.p99Ms}`, ' ms'),
    row('event-commit wait per request (mean)', r.c1.commitWaitMs, r.cN.commitWaitMs, ' ms'),
    row('gateway CPU/request', c1.gateway, cN.gateway, ' µs', '≤ 0.5× Portkey (~465–565 µs)'),
    row('projector CPU/request', c1.projector, cN.projector, ' µs'),
    row('PostgreSQL CPU/request (our backends + background)', pgOurs(c1), pgOurs(cN), ' µs'),
    row('… gateway’s backends', c1.pgGateway, cN.pgGateway, ' µs'),
    row('… projector’s backends', c1.pgProjector, cN.pgProjector, ' µs'),
    row('… background (walwriter, checkpointer, …)', c1.pgBackground, cN.pgBackground, ' µs'),
    row(
      'projector + PostgreSQL CPU/request',
      c1.projector + pgOurs(c1),
      cN.projector + pgOurs(cN),
      ' µs',
      'half of today’s (~0.9 core at 568 req/s ≈ 1,585 µs → ≤ ~790 µs)',
    ),
    row('PostgreSQL, every process on the box', c1.pgAll, cN.pgAll, ' µs'),
    row('redis-server CPU/request', c1.redis, cN.redis, ' µs'),
    row('projector catch-up after the phase', r.c1.catchUpSeconds, r.cN.catchUpSeconds, ' s'),
    `| peak RSS gateway / projector | ${r.peakRss.gatewayMb} / ${r.peakRss.projectorMb} MB | | gateway ≤ 200 MB |`,
  ];
  const idle = Object.entries(r.idleCoresPerSource)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  lines.push(
    '',
    `Idle CPU (cores, 2 s before the phases): ${idle}. Not subtracted while the gateway is under load (at c=1 a large share of the gateway's CPU per request); subtracted for the projector and PostgreSQL over the c=1 direct rounds.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

runMain('bench:full', main);
