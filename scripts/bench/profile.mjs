#!/usr/bin/env node
// CPU profile of the gateway under a short fixed load (run `npm run build` first):
//   node scripts/bench/profile.mjs                         # strict, c=1 then c=32
//   PROFILE_MODE=relaxed PROFILE_REQUESTS=3000 PROFILE_CONCURRENCY=32 node scripts/bench/profile.mjs
// Starts the standalone mock and a gateway under `node --cpu-prof`, warms up, sends the load,
// stops the gateway with SIGTERM (the profile is written on exit) and summarises the samples taken
// during the measured window only (V8 profile timestamps and process.hrtime share CLOCK_MONOTONIC).
// The .cpuprofile is kept (path printed) for Chrome DevTools / speedscope.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyze, printAnalysis } from './lib/cpuprofile.mjs';
import { closedLoop, makeTarget, metricsClient, oneRequest, scrapeMetrics } from './lib/load.mjs';
import { installCleanupHandlers, startGateway, startMock, stopProcess, runMain } from './lib/processes.mjs';
import { readdirSync } from 'node:fs';

const mode = process.env.PROFILE_MODE || 'strict';
const requests = Number(process.env.PROFILE_REQUESTS || 3000);
const concurrencies = (process.env.PROFILE_CONCURRENCY || '1,32').split(',').map(Number);
const stream = process.env.PROFILE_STREAM === '1';
const outDir = path.resolve(process.env.PROFILE_DIR || path.join(os.tmpdir(), 'switchyard-profiles'));
const census = process.env.PROFILE_CENSUS !== '0';
const top = Number(process.env.PROFILE_TOP || 40);
const extraFlags = (process.env.PROFILE_NODE_FLAGS || '').split(' ').filter(Boolean);

installCleanupHandlers({ timeoutSeconds: 600 });
const log = (msg) => process.stderr.write(`[profile] ${msg}\n`);

async function main() {
  mkdirSync(outDir, { recursive: true });
  const before = new Set(readdirSync(outDir));
  const censusOut = path.join(outDir, `census-${process.pid}`);
  let snapshotNo = 0;
  const snapshot = async (pid) => {
    if (!census) return null;
    snapshotNo += 1;
    const file = `${censusOut}.${snapshotNo}`;
    process.kill(pid, 'SIGUSR2');
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 20));
    return JSON.parse(readFileSync(file, 'utf8'));
  };
  const mock = await startMock({ latencyMs: 0 });
  const gw = await startGateway({
    durability: mode,
    mockUrl: mock.url,
    nodeFlags: [
      '--cpu-prof',
      `--cpu-prof-dir=${outDir}`,
      '--cpu-prof-interval=200',
      ...(census ? ['-r', path.join(import.meta.dirname, 'lib', 'pglite-census.cjs')] : []),
      ...extraFlags,
    ],
    extraEnv: {
      ...(census ? { PGLITE_CENSUS_OUT: censusOut } : {}),
      // e.g. PROFILE_GATEWAY_ENV="PROJECTIONS=off": the request path alone
      ...Object.fromEntries(
        (process.env.PROFILE_GATEWAY_ENV || '')
          .split(/\s+/)
          .filter(Boolean)
          .map((kv) => kv.split('=')),
      ),
    },
  });
  log(`gateway (${mode}) under --cpu-prof at ${gw.url}`);
  const auth = { authorization: `Bearer ${gw.userKey}` };
  const probe = makeTarget({
    name: 'probe',
    origin: gw.url,
    path: '/v1/chat/completions',
    headers: auth,
    body: { model: 'auto', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 },
    connections: 1,
  });
  const model = String((await oneRequest(probe)).headers['x-switchyard-model']);
  await probe.close();
  const metrics = metricsClient(gw.url);
  const windows = [];
  for (const c of concurrencies) {
    const target = makeTarget({
      name: `gateway c=${c}`,
      origin: gw.url,
      path: '/v1/chat/completions',
      headers: auth,
      body: { model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16 },
      streamBody: { model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16, stream: true },
      connections: c,
    });
    await closedLoop(target, { concurrency: c, count: 1000, maxSeconds: 60, stream });
    await new Promise((r) => setTimeout(r, 300));
    const m0 = await scrapeMetrics(metrics);
    const c0 = await snapshot(gw.pid);
    const startUs = Number(process.hrtime.bigint() / 1000n);
    const r = await closedLoop(target, { concurrency: c, count: requests, maxSeconds: 120, stream });
    await new Promise((r) => setTimeout(r, 200)); // trailing commits / projections belong to the window
    const endUs = Number(process.hrtime.bigint() / 1000n);
    const m1 = await scrapeMetrics(metrics);
    const c1 = await snapshot(gw.pid);
    windows.push({
      c,
      census: c0 && c1 ? diffCensus(c0, c1, r.done) : null,
      startUs,
      endUs,
      requests: r.done,
      rps: r.done / (r.wallMs / 1000),
      cpuUsPerReq: ((m1.cpuSeconds - m0.cpuSeconds) * 1e6) / r.done,
    });
    log(
      `c=${c}: ${r.done} requests, ${(r.done / (r.wallMs / 1000)).toFixed(0)} req/s, gateway CPU ${windows.at(-1).cpuUsPerReq.toFixed(0)} µs/req (metrics)`,
    );
    await target.close();
  }
  await metrics.close();
  await stopProcess(gw.proc, 30_000);
  await stopProcess(mock.proc);
  for (let i = 1; i <= snapshotNo; i++) rmSync(`${censusOut}.${i}`, { force: true });
  const file = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
  if (!file) throw new Error('no .cpuprofile was written');
  const profilePath = path.join(outDir, file);
  log(`profile: ${profilePath}`);
  for (const w of windows) {
    const result = analyze(profilePath, { startUs: w.startUs, endUs: w.endUs, requests: w.requests });
    process.stdout.write(
      `\n=== ${mode}, ${stream ? 'streaming' : 'non-streaming'}, c=${w.c}: ${w.requests} requests, ${w.rps.toFixed(0)} req/s, ${w.cpuUsPerReq.toFixed(0)} µs CPU/req (metrics)\n`,
    );
    printAnalysis(result, { top });
    if (w.census) printCensus(w.census);
  }
}

function diffCensus(a, b, requests) {
  const before = new Map(a.rows.map((r) => [r.sql, r]));
  const rows = b.rows
    .map((r) => {
      const p = before.get(r.sql) ?? { count: 0, wallMs: 0, syncMs: 0 };
      return {
        sql: r.sql,
        count: r.count - p.count,
        wallMs: r.wallMs - p.wallMs,
        syncMs: r.syncMs - p.syncMs,
      };
    })
    .filter((r) => r.count > 0 || r.syncMs > 0)
    .sort((x, y) => y.syncMs - x.syncMs);
  return { requests, blockedMs: b.blockedMs - a.blockedMs, rows };
}

function printCensus({ requests, blockedMs, rows }) {
  const out = [
    `\n-- PGlite statements in the window (pglite-census): event loop blocked in PGlite ${((blockedMs * 1000) / requests).toFixed(0)} µs/req`,
  ];
  out.push('  per req   sync µs/req   sync µs/stmt   wall µs/stmt   statement');
  for (const r of rows) {
    out.push(
      `${(r.count / requests).toFixed(2).padStart(9)} ${((r.syncMs * 1000) / requests).toFixed(0).padStart(13)} ${(r.count ? (r.syncMs * 1000) / r.count : 0).toFixed(0).padStart(14)} ${(r.count ? (r.wallMs * 1000) / r.count : 0).toFixed(0).padStart(14)}   ${r.sql}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

runMain('profile', main);
