#!/usr/bin/env node
// Turns one or more BENCH_OUT JSON files into the markdown results table of docs/benchmarks.md:
//   node scripts/bench/to-markdown.mjs run1.json run2.json        (columns "run 1 strict" …)
//   node scripts/bench/to-markdown.mjs "no projections=a.json"    (a label of your own)
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node scripts/bench/to-markdown.mjs BENCH_OUT.json [more.json …]\n');
  process.exit(2);
}
const f = (v, d = 2) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '–');
const runs = files.map((arg, i) => {
  const eq = arg.lastIndexOf('=');
  const [label, file] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [`run ${i + 1}`, arg];
  return { label, ...JSON.parse(readFileSync(file, 'utf8')) };
});
const columns = [];
for (const run of runs)
  for (const m of run.modes) columns.push({ label: `${run.label} ${m.mode}`, run, m, d: m.derived });
const rows = [
  [
    'c=1 direct p50 / p90 / p99 (ms)',
    (c) =>
      `${f(c.m.c1.direct.latency.p50, 3)} / ${f(c.m.c1.direct.latency.p90, 3)} / ${f(c.m.c1.direct.latency.p99, 3)}`,
  ],
  [
    'c=1 gateway p50 / p90 / p99 (ms)',
    (c) =>
      `${f(c.m.c1.gateway.latency.p50)} / ${f(c.m.c1.gateway.latency.p90)} / ${f(c.m.c1.gateway.latency.p99)}`,
  ],
  ['**c=1 added p50 / p99 (ms)**', (c) => `**${f(c.d.c1.addedP50)}** / ${f(c.d.c1.addedP99)}`],
  ['c=1 gateway CPU / request (µs)', (c) => f(c.m.c1.gatewayMetrics.cpuUsPerReq, 0)],
  ['c=1 event-commit wait, mean (ms)', (c) => f(c.m.c1.gatewayMetrics.commitWaitMs)],
  [
    'c=1 paced (10 ms pause) added p50 / p99 (ms)',
    (c) => (c.d.paced ? `${f(c.d.paced.addedP50)} / ${f(c.d.paced.addedP99)}` : '–'),
  ],
  [
    'stream direct TTFT p50 / p99 (ms)',
    (c) => `${f(c.m.stream.direct.ttft.p50, 3)} / ${f(c.m.stream.direct.ttft.p99, 3)}`,
  ],
  [
    '**stream added TTFT p50 / p99 (ms)**',
    (c) => `**${f(c.d.stream.addedTtftP50)}** / ${f(c.d.stream.addedTtftP99)}`,
  ],
  ['stream added full-stream p50 (ms)', (c) => f(c.d.stream.addedTotalP50)],
  [`c=32 direct (req/s)`, (c) => f(c.m.cN.direct.rps, 0)],
  [`c=32 gateway (req/s)`, (c) => f(c.m.cN.gateway.rps, 0)],
  ['**c=32 gateway / direct**', (c) => `**${f(c.d.cN.ratioPct, 1)} %**`],
  ['c=32 direct p50 / p99 (ms)', (c) => `${f(c.m.cN.direct.latency.p50)} / ${f(c.m.cN.direct.latency.p99)}`],
  [
    'c=32 gateway p50 / p99 (ms)',
    (c) => `${f(c.m.cN.gateway.latency.p50, 1)} / ${f(c.m.cN.gateway.latency.p99, 1)}`,
  ],
  ['c=32 gateway CPU / request (µs)', (c) => f(c.m.cN.gatewayMetrics.cpuUsPerReq, 0)],
  ['c=32 event-commit wait, mean (ms)', (c) => f(c.m.cN.gatewayMetrics.commitWaitMs)],
  [
    'other processes, cores (c=1 / stream / c=32)',
    (c) => [c.m.c1, c.m.stream, c.m.cN].map((p) => f(Math.max(0, p.otherCores))).join(' / '),
  ],
];
const out = [];
out.push(`| | ${columns.map((c) => c.label).join(' | ')} |`);
out.push(`|---|${columns.map(() => '---:').join('|')}|`);
for (const [label, get] of rows) out.push(`| ${label} | ${columns.map(get).join(' | ')} |`);
out.push('');
out.push('Targets:');
runs.forEach((run) => {
  for (const t of run.targets) {
    out.push(
      `- ${run.label}: ${t.pass === null ? 'info' : t.pass ? 'PASS' : 'FAIL'} — ${t.label}: ${f(t.value, t.unit === '%' ? 1 : 3)} ${t.unit} (target ${t.target})`,
    );
  }
});
process.stdout.write(`${out.join('\n')}\n`);
