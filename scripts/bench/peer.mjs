#!/usr/bin/env node
// Switchyard beside a peer gateway (Portkey OSS), same box, same mock upstream, same load generator:
//   PEER_GATEWAY_DIR=/path/to/portkey-gateway npm run bench:peer
// The peer folder is a built checkout of github.com/Portkey-AI/gateway (`npm install && npm run
// build`); no peer code enters this repository. See docs/benchmarks.md ("Beside Portkey").
//
// For each target (peer, Switchyard) the same phases run, in ABBA order where it matters:
//   c=1 non-streaming (added p50 against the mock called directly), c=N non-streaming and c=N
//   streaming (req/s and CPU seconds of the gateway's process per request, from /proc), and the
//   peak RSS (VmHWM) of each gateway process at the end.
import { envNumber as num, gatewayEnvFromBenchEnv } from './lib/env.mjs';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { closedLoop, makeTarget, oneRequest } from './lib/load.mjs';
import {
  freePort,
  installCleanupHandlers,
  procCpuSeconds,
  runMain,
  startGateway,
  startMock,
  stopProcess,
} from './lib/processes.mjs';
import { round, summarize } from './lib/stats.mjs';

const config = {
  peerDir: process.env.PEER_GATEWAY_DIR,
  durability: process.env.BENCH_DURABILITY || 'strict',
  c: Math.max(1, Math.round(num('BENCH_CONCURRENCY', 32))),
  seconds: num('BENCH_C32_SECONDS', 5),
  c1Requests: Math.round(num('BENCH_REQUESTS', 1000)),
  maxTokens: Math.round(num('BENCH_MAX_TOKENS', 16)),
  out: process.env.BENCH_OUT || undefined,
  gatewayEnv: gatewayEnvFromBenchEnv(),
};
installCleanupHandlers({ timeoutSeconds: num('BENCH_TIMEOUT_SECONDS', 900) });
const log = (msg) => process.stderr.write(`[bench:peer ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const messages = [{ role: 'user', content: 'Hello' }];

/** Peak resident set (VmHWM) of a process in MB, from /proc; null elsewhere. */
function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Portkey's node build on a free port; resolves once it answers HTTP. */
async function startPeer(dir) {
  const entry = path.join(dir, 'build', 'start-server.js');
  if (!existsSync(entry))
    throw new Error(`${entry} is missing: run \`npm install && npm run build\` in PEER_GATEWAY_DIR first`);
  const port = await freePort();
  const child = spawn(process.execPath, [entry, `--port=${port}`, '--headless'], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  child.stdout.on('data', (d) => (output = (output + d).slice(-16384)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-16384)));
  child.on('exit', () => (exited = true));
  const proc = {
    name: 'peer',
    child,
    pid: child.pid,
    get exited() {
      return exited;
    },
  };
  process.on('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`the peer gateway exited:\n${output}`);
    try {
      const res = await request(url, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      await res.body.dump();
      break;
    } catch {
      if (i > 300) throw new Error(`the peer gateway never answered on ${url}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { proc, pid: child.pid, url };
}

const make = (name, origin, headers, model, connections, directBody) =>
  makeTarget({
    name,
    origin,
    path: '/v1/chat/completions',
    headers,
    body: { model, messages, max_tokens: config.maxTokens, ...(directBody ? { stream: false } : {}) },
    streamBody: {
      model,
      messages,
      max_tokens: config.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    },
    connections,
  });

/** One closed-loop round with the gateway process's CPU seconds over it. */
async function round1(target, pid, { concurrency, stream, seconds, count }) {
  const cpu0 = procCpuSeconds(pid);
  const r = await closedLoop(target, { concurrency, count, maxSeconds: seconds, stream });
  const cpu1 = procCpuSeconds(pid);
  if (r.errors > 0) throw new Error(`${target.name}: ${r.errors} errors, first: ${r.firstError}`);
  return { done: r.done, wallMs: r.wallMs, cpuSeconds: cpu1 - cpu0, latencies: r.latencies };
}

/** Rounds in ABBA order; per target: req/s and CPU µs per request over all its rounds. */
async function abba(pairs, opts) {
  const acc = new Map(pairs.map(([t]) => [t.name, { done: 0, wallMs: 0, cpuSeconds: 0 }]));
  const order = [...pairs, ...[...pairs].reverse()];
  for (const [t, pid] of order) {
    const r = await round1(t, pid, opts);
    const a = acc.get(t.name);
    a.done += r.done;
    a.wallMs += r.wallMs;
    a.cpuSeconds += r.cpuSeconds;
  }
  return Object.fromEntries(
    [...acc].map(([name, a]) => [
      name,
      {
        requests: a.done,
        rps: round(a.done / (a.wallMs / 1000), 0),
        cpuUsPerRequest: round((a.cpuSeconds * 1e6) / a.done, 0),
      },
    ]),
  );
}

async function c1Added(direct, gateways) {
  const lat = new Map([[direct.name, []], ...gateways.map((g) => [g.name, []])]);
  const all = [direct, ...gateways];
  const rounds = 4;
  const per = Math.max(50, Math.round(config.c1Requests / rounds));
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? all : [...all].reverse();
    for (const t of order) {
      const r = await closedLoop(t, { concurrency: 1, count: per, maxSeconds: 60 });
      lat.get(t.name).push(...r.latencies);
    }
  }
  const p50 = (name) => summarize(Float64Array.from(lat.get(name))).p50;
  const base = p50(direct.name);
  return Object.fromEntries([
    [direct.name, { p50Ms: round(base, 3) }],
    ...gateways.map((g) => [
      g.name,
      { p50Ms: round(p50(g.name), 3), addedP50Ms: round(p50(g.name) - base, 3) },
    ]),
  ]);
}

async function main() {
  if (!config.peerDir) {
    process.stderr.write(
      'PEER_GATEWAY_DIR is not set. Bring github.com/Portkey-AI/gateway into a folder outside this repo,\n' +
        'run `npm install && npm run build` there, then: PEER_GATEWAY_DIR=/that/folder npm run bench:peer\n',
    );
    process.exit(2);
  }
  const peerVersion = JSON.parse(readFileSync(path.join(config.peerDir, 'package.json'), 'utf8')).version;
  const mock = await startMock({ latencyMs: 0 });
  log(`mock upstream at ${mock.url}`);
  const peer = await startPeer(config.peerDir);
  log(`Portkey ${peerVersion} at ${peer.url}`);
  const gw = await startGateway({
    durability: config.durability,
    mockUrl: mock.url,
    extraEnv: config.gatewayEnv,
  });
  log(`Switchyard (${config.durability}) at ${gw.url}`);

  const auth = { authorization: `Bearer ${gw.userKey}` };
  const probe = make('probe', gw.url, auth, 'auto', 1, false);
  const first = await oneRequest(probe);
  if (first.status !== 200) throw new Error(`Switchyard answered ${first.status}: ${first.text}`);
  const routed = String(first.headers['x-switchyard-model']);
  const upstreamModel = routed.slice(routed.indexOf('/') + 1);
  await probe.close();
  const peerHeaders = {
    authorization: 'Bearer bench-not-a-key',
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${mock.url}/v1`,
  };
  const c = config.c;
  const t = {
    direct1: make('direct', mock.url, {}, upstreamModel, 1, true),
    peer1: make('portkey', peer.url, peerHeaders, upstreamModel, 1, true),
    sy1: make('switchyard', gw.url, auth, routed, 1, false),
    peerN: make('portkey', peer.url, peerHeaders, upstreamModel, c, true),
    syN: make('switchyard', gw.url, auth, routed, c, false),
  };
  const check = await oneRequest(t.peer1);
  if (check.status !== 200) throw new Error(`Portkey answered ${check.status}: ${check.text.slice(0, 300)}`);

  log('warm-up');
  for (const x of [t.direct1, t.peer1, t.sy1])
    await closedLoop(x, { concurrency: 1, count: 300, maxSeconds: 20 });
  for (const x of [t.peerN, t.syN]) {
    await closedLoop(x, { concurrency: c, count: 100_000, maxSeconds: 2 });
    await closedLoop(x, { concurrency: c, count: 100_000, maxSeconds: 1, stream: true });
  }

  log('c=1 non-streaming, added p50');
  const c1 = await c1Added(t.direct1, [t.peer1, t.sy1]);
  log(`c=${c} non-streaming`);
  const opts = { concurrency: c, seconds: config.seconds, count: 1_000_000 };
  const nonStream = await abba(
    [
      [t.peerN, peer.pid],
      [t.syN, gw.pid],
    ],
    { ...opts, stream: false },
  );
  log(`c=${c} streaming`);
  const stream = await abba(
    [
      [t.peerN, peer.pid],
      [t.syN, gw.pid],
    ],
    { ...opts, stream: true },
  );
  const rss = { portkey: peakRssMb(peer.pid), switchyard: peakRssMb(gw.pid) };
  for (const x of Object.values(t)) await x.close();
  await stopProcess(peer.proc, 5_000);

  const ratio = (a, b) => round(a / b, 2);
  const result = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    peer: { name: 'Portkey', version: peerVersion },
    switchyard: { durability: config.durability, routed, env: config.gatewayEnv },
    concurrency: c,
    c1,
    nonStream,
    stream,
    peakRssMb: rss,
    ratios: {
      nonStreamRps: ratio(nonStream.switchyard.rps, nonStream.portkey.rps),
      streamRps: ratio(stream.switchyard.rps, stream.portkey.rps),
      nonStreamCpu: ratio(nonStream.switchyard.cpuUsPerRequest, nonStream.portkey.cpuUsPerRequest),
      streamCpu: ratio(stream.switchyard.cpuUsPerRequest, stream.portkey.cpuUsPerRequest),
    },
  };
  const row = (label, p, s, unit, target) =>
    `| ${label} | ${p}${unit} | ${s}${unit} | ${ratio(s, p)}× | ${target} |`;
  const lines = [
    `Switchyard (${config.durability}) beside Portkey ${peerVersion}, ${os.cpus().length} CPUs, node ${process.version}`,
    '',
    '| | Portkey | Switchyard | ratio | target |',
    '|---|---:|---:|---:|---|',
    row(`c=${c} non-stream req/s`, nonStream.portkey.rps, nonStream.switchyard.rps, '', '≥ 2×'),
    row(`c=${c} stream req/s`, stream.portkey.rps, stream.switchyard.rps, '', '≥ 2×'),
    row(
      `c=${c} non-stream CPU/request`,
      nonStream.portkey.cpuUsPerRequest,
      nonStream.switchyard.cpuUsPerRequest,
      ' µs',
      '≤ 0.5×',
    ),
    row(
      `c=${c} stream CPU/request`,
      stream.portkey.cpuUsPerRequest,
      stream.switchyard.cpuUsPerRequest,
      ' µs',
      '≤ 0.5×',
    ),
    row('c=1 added p50', c1.portkey.addedP50Ms, c1.switchyard.addedP50Ms, ' ms', '≤ 1×'),
    row('peak RSS', rss.portkey, rss.switchyard, ' MB', 'Switchyard ≤ 300 MB'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (config.out) writeFileSync(config.out, `${JSON.stringify(result, null, 2)}\n`);
}

runMain('bench:peer', main);
