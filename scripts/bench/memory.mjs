#!/usr/bin/env node
// Peak memory of the embedded gateway under load (issue 19): `npm run bench:memory` (builds first).
//
// Starts the standalone mock upstream and one gateway on a fresh DATA_DIR (embedded PGlite,
// DURABILITY=strict unless BENCH_DURABILITY says otherwise; BENCH_GATEWAY_NODE_FLAGS=--expose-gc makes
// each sample collect first, so the heap used is the live heap), sends BENCH_REQUESTS non-streaming chat
// requests (default 100,000) at BENCH_CONCURRENCY (default 32), then the same number again, and
// prints the gateway's resident memory at the start, after the first and after the second batch:
// VmRSS (now) and VmHWM (peak so far) from /proc/<pid>/status, plus where it is, from a preload
// (lib/memory-probe.cjs, asked by SIGUSR2): V8's heap, ArrayBuffers/external memory, and PGlite's
// WebAssembly memory (postgres's heap, which never shrinks). The bar: peak RSS ≤ 300 MB
// after 100k requests and no growth between 100k and 200k.
//
// Env: BENCH_REQUESTS (per batch), BENCH_BATCHES (default 2), BENCH_CONCURRENCY, BENCH_MAX_TOKENS,
// BENCH_STREAM=1 (streamed requests instead), BENCH_GATEWAY_ENV="K=V K=V" (extra gateway env, e.g.
// DATABASE_URL=… REDIS_URL=… for full mode), BENCH_GATEWAY_NODE_FLAGS (e.g. --max-semi-space-size=8),
// BENCH_HEAPSNAPSHOT=1 (a heap snapshot at every sample, path printed; slow, and it inflates the RSS
// of later samples; kept only when BENCH_SNAPSHOT_DIR names a folder, else removed with the temp dir),
// BENCH_OUT=<file> (the samples as JSON), BENCH_TIMEOUT_SECONDS (whole run).
import { envNumber as num, gatewayEnvFromBenchEnv } from './lib/env.mjs';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closedLoop, makeTarget, oneRequest } from './lib/load.mjs';
import {
  installCleanupHandlers,
  makeTempDir,
  repoRoot,
  runMain,
  startGateway,
  startMock,
} from './lib/processes.mjs';

const config = {
  requests: Math.max(1, Math.round(num('BENCH_REQUESTS', 100_000))),
  batches: Math.max(1, Math.round(num('BENCH_BATCHES', 2))),
  concurrency: Math.max(1, Math.round(num('BENCH_CONCURRENCY', 32))),
  maxTokens: Math.max(1, Math.round(num('BENCH_MAX_TOKENS', 16))),
  stream: process.env.BENCH_STREAM === '1',
  durability: process.env.BENCH_DURABILITY || 'strict',
  gatewayEnv: gatewayEnvFromBenchEnv(),
  gatewayNodeFlags: (process.env.BENCH_GATEWAY_NODE_FLAGS || '').split(/\s+/).filter(Boolean),
  heapSnapshot: process.env.BENCH_HEAPSNAPSHOT === '1',
  snapshotDir: process.env.BENCH_SNAPSHOT_DIR || undefined,
  out: process.env.BENCH_OUT || undefined,
  timeoutSeconds: num('BENCH_TIMEOUT_SECONDS', 3600),
};

installCleanupHandlers({ timeoutSeconds: config.timeoutSeconds });

const log = (msg) => process.stderr.write(`[memory ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const mb = (bytes) => (bytes == null ? '—' : (bytes / 1024 / 1024).toFixed(1));

/** VmRSS and VmHWM (bytes) of a process from /proc/<pid>/status. */
function procMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : null;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Asks the gateway's memory probe for a report (SIGUSR2) and waits for its file. */
async function probe(pid, outPrefix, n) {
  const file = `${outPrefix}.${n}`;
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 120_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the memory probe wrote no ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // The file is written in one writeFileSync; a partial read retries.
  for (;;) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function main() {
  const snapshotDir = config.snapshotDir ?? makeTempDir('switchyard-memory-');
  mkdirSync(snapshotDir, { recursive: true });
  const outPrefix = path.join(snapshotDir, 'probe');
  const mock = await startMock({ latencyMs: 0 });
  const gw = await startGateway({
    durability: config.durability,
    mockUrl: mock.url,
    nodeFlags: [...config.gatewayNodeFlags, '-r', path.join(repoRoot, 'scripts/bench/lib/memory-probe.cjs')],
    extraEnv: {
      ...config.gatewayEnv,
      MEMORY_PROBE_OUT: outPrefix,
      ...(config.heapSnapshot ? { MEMORY_PROBE_HEAPSNAPSHOT: '1' } : {}),
    },
  });
  log(`gateway (pid ${gw.pid}, ${config.durability}) ready in ${(gw.startupMs / 1000).toFixed(1)} s`);

  const auth = { authorization: `Bearer ${gw.userKey}` };
  const messages = [{ role: 'user', content: 'Hello' }];
  const probeTarget = makeTarget({
    name: 'probe',
    origin: gw.url,
    path: '/v1/chat/completions',
    headers: auth,
    body: { model: 'auto', messages, max_tokens: config.maxTokens },
    connections: 1,
  });
  const first = await oneRequest(probeTarget);
  await probeTarget.close();
  if (first.status !== 200) throw new Error(`gateway answered ${first.status}: ${first.text}`);
  const model = String(first.headers['x-switchyard-model']);
  const target = makeTarget({
    name: `gateway c=${config.concurrency}`,
    origin: gw.url,
    path: '/v1/chat/completions',
    headers: auth,
    body: { model, messages, max_tokens: config.maxTokens },
    streamBody: { model, messages, max_tokens: config.maxTokens, stream: true },
    connections: config.concurrency,
  });

  const samples = [];
  let probes = 0;
  const sample = async (label, sent, extra = {}) => {
    const proc = procMemory(gw.pid);
    const report = await probe(gw.pid, outPrefix, ++probes);
    const s = { label, sent, ...proc, ...extra, report };
    samples.push(s);
    const mu = report.memoryUsage;
    log(
      `${label}: RSS ${mb(s.rss)} MB, peak ${mb(s.hwm)} MB; heap used ${mb(mu.heapUsed)} of ${mb(mu.heapTotal)} MB, ` +
        `external ${mb(mu.external)} MB (ArrayBuffers ${mb(mu.arrayBuffers)}), PGlite wasm ${report.pgliteWasmBytes.map(mb).join('+')} MB` +
        (report.heapSnapshot ? `; heap snapshot ${report.heapSnapshot}` : ''),
    );
    return s;
  };

  await sample('start', 0);
  let sent = 0;
  for (let b = 1; b <= config.batches; b++) {
    const t0 = performance.now();
    const r = await closedLoop(target, {
      concurrency: config.concurrency,
      count: config.requests,
      maxSeconds: config.timeoutSeconds,
      stream: config.stream,
    });
    sent += r.done;
    const seconds = (performance.now() - t0) / 1000;
    await sample(`after ${sent.toLocaleString('en-US')}`, sent, {
      errors: r.errors,
      reqPerSecond: Math.round(r.done / seconds),
    });
  }
  await target.close();

  const table = [
    '| when | requests | VmRSS MB | VmHWM (peak) MB | JS heap used / total MB | external (ArrayBuffers) MB | PGlite wasm MB | req/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...samples.map((s) => {
      const mu = s.report.memoryUsage;
      return `| ${s.label} | ${s.sent} | ${mb(s.rss)} | ${mb(s.hwm)} | ${mb(mu.heapUsed)} / ${mb(mu.heapTotal)} | ${mb(mu.external)} (${mb(mu.arrayBuffers)}) | ${s.report.pgliteWasmBytes.map(mb).join('+')} | ${s.reqPerSecond ?? ''} |`;
    }),
  ];
  process.stdout.write(`${table.join('\n')}\n`);
  if (config.out) writeFileSync(config.out, JSON.stringify({ config, samples }, null, 2));
}

runMain('memory bench', main);
