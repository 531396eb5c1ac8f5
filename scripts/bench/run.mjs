#!/usr/bin/env node
// Gateway overhead benchmark: `npm run bench` (builds first). See docs/benchmarks.md.
//
// One standalone mock upstream (MOCK_LATENCY_MS=0) is shared by every phase. For each durability
// mode a fresh gateway (fresh DATA_DIR, embedded PGlite) is started against it, and the same
// requests are sent directly to the mock and through the gateway, interleaved in rounds, from
// undici Pools inside this process. Results: a table on stdout, JSON to $BENCH_OUT when set.
import { envNumber as num, gatewayEnvFromBenchEnv } from './lib/env.mjs';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { closedLoop, makeTarget, metricsClient, oneRequest, scrapeMetrics } from './lib/load.mjs';
import {
  installCleanupHandlers,
  machineBusySeconds,
  procCpuSeconds,
  removeTempDir,
  repoRoot,
  startGateway,
  startMock,
  stopProcess,
  runMain,
} from './lib/processes.mjs';
import { buildTargets, printReport } from './lib/report.mjs';
import { concat, round, summarize } from './lib/stats.mjs';

// ---------------------------------------------------------------- configuration (env)
const int = (name, fallback) => Math.round(num(name, fallback));
/** BENCH_SCALE multiplies every request count and duration (0.2 = a quick smoke run). */
const scale = num('BENCH_SCALE', 1);
const scaled = (name, fallback, min = 1) => Math.max(min, Math.round(num(name, fallback * scale)));
const config = {
  modes: (process.env.BENCH_MODES || 'strict,relaxed')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean),
  requests: scaled('BENCH_REQUESTS', 2000), // c=1 non-streaming, per path
  streamRequests: scaled('BENCH_STREAM_REQUESTS', 1000), // c=1 streaming, per path
  pacedRequests: scaled('BENCH_PACED_REQUESTS', 300, 0), // c=1 with a pause between requests, per path (0: skip)
  paceMs: num('BENCH_PACE_MS', 10),
  concurrency: Math.max(1, int('BENCH_CONCURRENCY', 32)),
  cNSeconds: Math.max(0.5, num('BENCH_C32_SECONDS', 5 * scale)), // per round; rounds D G G D
  cNMaxRequests: scaled('BENCH_C32_MAX_REQUESTS', 100_000), // cap per round
  warmup: scaled('BENCH_WARMUP', 500),
  roundSize: scaled('BENCH_ROUND', 250), // c=1 interleaving round size
  maxPhaseSeconds: num('BENCH_MAX_PHASE_SECONDS', 60), // bound per phase (both paths together)
  timeoutSeconds: num('BENCH_TIMEOUT_SECONDS', 900), // whole run
  maxTokens: Math.max(1, int('BENCH_MAX_TOKENS', 16)),
  /** Extra gateway env for experiments, e.g. "PROJECTIONS=off" (the printed targets still apply). */
  gatewayEnv: gatewayEnvFromBenchEnv(),
  /** Extra node flags for the gateway, for what-if experiments (e.g. -r ./scripts/bench/lib/what-if/…). */
  gatewayNodeFlags: (process.env.BENCH_GATEWAY_NODE_FLAGS || '').split(/\s+/).filter(Boolean),
  out: process.env.BENCH_OUT || undefined,
};
for (const m of config.modes)
  if (m !== 'strict' && m !== 'relaxed') throw new Error(`BENCH_MODES: unknown mode "${m}"`);

installCleanupHandlers({ timeoutSeconds: config.timeoutSeconds });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const messages = [{ role: 'user', content: 'Hello' }];

function environment() {
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (+ uncommitted changes)';
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.release()}`,
    loadavgAtStart: os.loadavg().map((v) => round(v, 2)),
    commit,
  };
}

// ---------------------------------------------------------------- phases
/**
 * Runs rounds alternating direct and gateway (ABBA order: D G, G D, D G …). A round is `roundSize`
 * requests, or `roundSeconds` of load when given (then `roundSize` is only a cap). Records per
 * target: latencies, wall time, and CPU of the mock and gateway (/proc) and of this process.
 */
async function interleaved(
  direct,
  gateway,
  { rounds, roundSize, roundSeconds, concurrency, stream, pauseMs, pids, maxSeconds },
) {
  const acc = new Map(
    [direct, gateway].map((t) => [
      t,
      {
        latencies: [],
        ttfts: [],
        done: 0,
        errors: 0,
        firstError: undefined,
        wallMs: 0,
        mockCpu: 0,
        gatewayCpu: 0,
        loadgenCpuUs: 0,
        timedOut: false,
      },
    ]),
  );
  const deadline = performance.now() + maxSeconds * 1000;
  for (let r = 0; r < rounds; r++) {
    for (const target of r % 2 === 0 ? [direct, gateway] : [gateway, direct]) {
      const a = acc.get(target);
      const left = (deadline - performance.now()) / 1000;
      if (left <= 0) {
        a.timedOut = true;
        continue;
      }
      const mock0 = procCpuSeconds(pids.mock);
      const gw0 = procCpuSeconds(pids.gateway);
      const me0 = process.cpuUsage();
      const res = await closedLoop(target, {
        concurrency,
        count: roundSize,
        maxSeconds: roundSeconds ? Math.min(roundSeconds, left) : left,
        stream,
        pauseMs,
      });
      const me = process.cpuUsage(me0);
      a.loadgenCpuUs += me.user + me.system;
      a.mockCpu += procCpuSeconds(pids.mock) - mock0;
      a.gatewayCpu += procCpuSeconds(pids.gateway) - gw0;
      a.latencies.push(res.latencies);
      if (res.ttfts) a.ttfts.push(res.ttfts);
      a.done += res.done;
      a.errors += res.errors;
      a.firstError ??= res.firstError;
      a.wallMs += res.wallMs;
      if (!roundSeconds) a.timedOut ||= res.timedOut;
    }
  }
  const finish = (a) => ({
    n: a.done,
    errors: a.errors,
    firstError: a.firstError,
    timedOut: a.timedOut,
    wallMs: a.wallMs,
    latency: summarize(concat(a.latencies)),
    ttft: stream ? summarize(concat(a.ttfts)) : undefined,
    rps: a.done / (a.wallMs / 1000),
    mockCpuUsPerReq: (a.mockCpu * 1e6) / a.done,
    gatewayProcCpuUsPerReq: (a.gatewayCpu * 1e6) / a.done,
    loadgenCpuUsPerReq: a.loadgenCpuUs / a.done,
  });
  return { direct: finish(acc.get(direct)), gateway: finish(acc.get(gateway)) };
}

/** Waits (bounded, 2 s) until every gateway request of the phase has its events committed (relaxed: after the answer). */
async function settle(metrics, before, expectedCommits) {
  let m;
  for (let i = 0; i < 40; i++) {
    await sleep(i === 0 ? 100 : 50);
    m = await scrapeMetrics(metrics);
    if (m.commitCount - before.commitCount >= expectedCommits) break;
  }
  return m;
}

/** One measured phase: interleaved rounds + gateway metrics deltas (CPU per request, commit wait). */
async function phase(name, metrics, idleCpuPerSecond, direct, gateway, options) {
  log(`${name}`);
  const before = await scrapeMetrics(metrics);
  const t0 = performance.now();
  const ours0 =
    procCpuSeconds(options.pids.gateway) +
    procCpuSeconds(options.pids.mock) +
    process.cpuUsage().user / 1e6 +
    process.cpuUsage().system / 1e6;
  const machine0 = machineBusySeconds();
  const result = await interleaved(direct, gateway, options);
  const ours1 =
    procCpuSeconds(options.pids.gateway) +
    procCpuSeconds(options.pids.mock) +
    process.cpuUsage().user / 1e6 +
    process.cpuUsage().system / 1e6;
  const machine1 = machineBusySeconds();
  const loadMs = performance.now() - t0;
  // CPU used on this machine by anything but the gateway, the mock and this process (others' tests,
  // builds …), in cores: when it is not ~0 the numbers of this phase are disturbed.
  const otherCores =
    machine0 === null || Number.isNaN(ours0)
      ? NaN
      : (machine1 - machine0 - (ours1 - ours0)) / (loadMs / 1000);
  if (otherCores > 0.1)
    log(`  warning: other processes used ${otherCores.toFixed(2)} cores during this phase`);
  const after = await settle(metrics, before, result.gateway.n);
  const phaseMs = performance.now() - t0;
  const requests = after.chatRequests - before.chatRequests;
  // The gateway is idle while the direct rounds run and while we settle: take its idle CPU out.
  const idleMs = Math.max(0, phaseMs - result.gateway.wallMs);
  const cpuSeconds = after.cpuSeconds - before.cpuSeconds;
  const cpuUsPerReq = ((cpuSeconds - (idleCpuPerSecond * idleMs) / 1000) * 1e6) / requests;
  const commits = after.commitCount - before.commitCount;
  const commitWaitMs = commits > 0 ? ((after.commitSum - before.commitSum) * 1000) / commits : NaN;
  for (const [label, r] of [
    ['direct', result.direct],
    ['gateway', result.gateway],
  ]) {
    if (r.errors > 0) log(`  ${label}: ${r.errors} errors (first: ${r.firstError})`);
    if (r.timedOut) log(`  ${label}: cut short by BENCH_MAX_PHASE_SECONDS after ${r.n} requests`);
  }
  return {
    ...result,
    otherCores,
    gatewayMetrics: { requests, cpuSeconds, cpuUsPerReq, commits, commitWaitMs },
  };
}

async function measureIdleCpu(metrics, ms = 1000) {
  const a = await scrapeMetrics(metrics);
  await sleep(ms);
  const b = await scrapeMetrics(metrics);
  return (b.cpuSeconds - a.cpuSeconds) / (ms / 1000); // CPU seconds per second (includes one scrape)
}

/** The experiment env as printed and saved: secrets (keys, passwords in URLs) masked. */
function shownEnv(env) {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      /KEY|SECRET|PASSWORD|TOKEN/i.test(k) ? '***' : v.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
    ]),
  );
}

async function runMode(mode, mock) {
  const extras = [
    ...Object.entries(shownEnv(config.gatewayEnv)).map(([k, v]) => `${k}=${v}`),
    ...(config.gatewayNodeFlags.length ? [`node ${config.gatewayNodeFlags.join(' ')}`] : []),
  ];
  log(
    `starting gateway (DURABILITY=${mode}, fresh DATA_DIR${extras.length ? `; EXPERIMENT: ${extras.join(', ')}` : ''})`,
  );
  const gw = await startGateway({
    durability: mode,
    mockUrl: mock.url,
    extraEnv: config.gatewayEnv,
    nodeFlags: config.gatewayNodeFlags,
  });
  log(`gateway ready in ${(gw.startupMs / 1000).toFixed(1)} s at ${gw.url}`);
  const metrics = metricsClient(gw.url);
  const pids = { mock: mock.pid, gateway: gw.pid };
  const targets = [];
  try {
    // Which model does `auto` route to? Then pin it, and ask the mock for the same upstream model.
    const auth = { authorization: `Bearer ${gw.userKey}` };
    const probe = makeTarget({
      name: 'probe',
      origin: gw.url,
      path: '/v1/chat/completions',
      headers: auth,
      body: { model: 'auto', messages, max_tokens: config.maxTokens },
      connections: 1,
    });
    targets.push(probe);
    const first = await oneRequest(probe);
    if (first.status !== 200) throw new Error(`gateway answered ${first.status}: ${first.text}`);
    const routed = String(first.headers['x-switchyard-model']);
    const upstreamModel = routed.slice(routed.indexOf('/') + 1);
    log(`model "auto" routes to ${routed} (upstream model ${upstreamModel}); pinning it`);

    // Direct bodies are what the gateway sends upstream: the upstream model, `stream` explicit, and
    // for streams `stream_options.include_usage: true` (the gateway always asks for usage), so the
    // mock does identical work on both paths.
    const make = (name, origin, headers, model, connections, isDirect) =>
      makeTarget({
        name,
        origin,
        path: '/v1/chat/completions',
        headers,
        body: { model, messages, max_tokens: config.maxTokens, ...(isDirect ? { stream: false } : {}) },
        streamBody: {
          model,
          messages,
          max_tokens: config.maxTokens,
          stream: true,
          ...(isDirect ? { stream_options: { include_usage: true } } : {}),
        },
        connections,
      });
    const c = config.concurrency;
    const direct1 = make('direct c=1', mock.url, {}, upstreamModel, 1, true);
    const gateway1 = make('gateway c=1', gw.url, auth, routed, 1, false);
    const directN = make(`direct c=${c}`, mock.url, {}, upstreamModel, c, true);
    const gatewayN = make(`gateway c=${c}`, gw.url, auth, routed, c, false);
    targets.push(direct1, gateway1, directN, gatewayN);

    log(
      `warm-up: ${config.warmup} requests per path at c=1, ${Math.ceil(config.warmup / 2)} streamed, ≤ 2 s at c=${c}`,
    );
    for (const t of [direct1, gateway1])
      await closedLoop(t, { concurrency: 1, count: config.warmup, maxSeconds: 30 });
    for (const t of [direct1, gateway1])
      await closedLoop(t, {
        concurrency: 1,
        count: Math.ceil(config.warmup / 2),
        maxSeconds: 30,
        stream: true,
      });
    for (const t of [directN, gatewayN])
      await closedLoop(t, { concurrency: c, count: config.warmup * 4, maxSeconds: 2 });
    await settle(metrics, { commitCount: 0 }, 0);

    const idleCpuPerSecond = await measureIdleCpu(metrics);
    log(`gateway idle CPU: ${(idleCpuPerSecond * 1000).toFixed(1)} ms/s`);
    const common = { pids, maxSeconds: config.maxPhaseSeconds };
    const c1Rounds = (n) => Math.max(2, Math.ceil(n / config.roundSize));
    const c1 = await phase(
      `c=1 non-streaming: ${config.requests} requests per path`,
      metrics,
      idleCpuPerSecond,
      direct1,
      gateway1,
      {
        ...common,
        rounds: c1Rounds(config.requests),
        roundSize: Math.ceil(config.requests / c1Rounds(config.requests)),
        concurrency: 1,
      },
    );
    const stream = await phase(
      `c=1 streaming: ${config.streamRequests} requests per path`,
      metrics,
      idleCpuPerSecond,
      direct1,
      gateway1,
      {
        ...common,
        rounds: c1Rounds(config.streamRequests),
        roundSize: Math.ceil(config.streamRequests / c1Rounds(config.streamRequests)),
        concurrency: 1,
        stream: true,
      },
    );
    const paced =
      config.pacedRequests > 0
        ? await phase(
            `c=1 paced (${config.paceMs} ms pause after each request): ${config.pacedRequests} requests per path`,
            metrics,
            idleCpuPerSecond,
            direct1,
            gateway1,
            {
              ...common,
              rounds: 2,
              roundSize: Math.ceil(config.pacedRequests / 2),
              concurrency: 1,
              pauseMs: config.paceMs,
            },
          )
        : null;
    const cN = await phase(
      `c=${c} non-streaming: 4 rounds of ${config.cNSeconds} s (D G G D)`,
      metrics,
      idleCpuPerSecond,
      directN,
      gatewayN,
      {
        ...common,
        maxSeconds: Math.max(config.maxPhaseSeconds, 4 * config.cNSeconds + 10),
        rounds: 2,
        roundSize: config.cNMaxRequests,
        roundSeconds: config.cNSeconds,
        concurrency: c,
      },
    );
    return {
      mode,
      concurrency: c,
      model: routed,
      upstreamModel,
      gatewayEnv: shownEnv(config.gatewayEnv),
      startupMs: gw.startupMs,
      idleCpuMsPerSecond: idleCpuPerSecond * 1000,
      c1,
      stream,
      paced,
      cN,
    };
  } finally {
    await Promise.all(targets.map((t) => t.close().catch(() => undefined)));
    await metrics.close().catch(() => undefined);
    await stopProcess(gw.proc);
    removeTempDir(gw.dataDir);
  }
}

// ---------------------------------------------------------------- main
async function main() {
  const env = environment();
  log(`config: ${JSON.stringify(config)}`);
  const mock = await startMock({ latencyMs: 0 });
  log(`mock upstream at ${mock.url} (MOCK_LATENCY_MS=0, pid ${mock.pid})`);
  const modes = [];
  for (const mode of config.modes) modes.push(await runMode(mode, mock));
  await stopProcess(mock.proc);
  const results = {
    env,
    config: { ...config, gatewayEnv: shownEnv(config.gatewayEnv) },
    modes,
    targets: buildTargets(modes),
  };
  printReport(results);
  if (config.out) {
    writeFileSync(
      config.out,
      `${JSON.stringify(results, (k, v) => (typeof v === 'number' ? round(v, 4) : v), 2)}\n`,
    );
    log(`JSON written to ${config.out}`);
  }
}

runMain('bench', main);
