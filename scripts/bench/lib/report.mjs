// The printed table and the target checks (information, not a test: the bench never fails on them).
import { fmt } from './stats.mjs';

const TARGET_ADDED_P50_MS = { strict: 1.5, relaxed: 0.35 };
const TARGET_CN_RATIO_STRICT_PCT = 15;

const added = (g, d, key) => g[key] - d[key];

/** Derived numbers per mode (added latency, ratios) — also what goes to JSON. */
export function derive(m) {
  const c1 = {
    addedP50: added(m.c1.gateway.latency, m.c1.direct.latency, 'p50'),
    addedP90: added(m.c1.gateway.latency, m.c1.direct.latency, 'p90'),
    addedP99: added(m.c1.gateway.latency, m.c1.direct.latency, 'p99'),
  };
  const stream = {
    addedTtftP50: added(m.stream.gateway.ttft, m.stream.direct.ttft, 'p50'),
    addedTtftP99: added(m.stream.gateway.ttft, m.stream.direct.ttft, 'p99'),
    addedTotalP50: added(m.stream.gateway.latency, m.stream.direct.latency, 'p50'),
    addedTotalP99: added(m.stream.gateway.latency, m.stream.direct.latency, 'p99'),
  };
  const cN = {
    ratioPct: (100 * m.cN.gateway.rps) / m.cN.direct.rps,
    addedP50: added(m.cN.gateway.latency, m.cN.direct.latency, 'p50'),
    addedP99: added(m.cN.gateway.latency, m.cN.direct.latency, 'p99'),
  };
  const paced = m.paced
    ? {
        addedP50: added(m.paced.gateway.latency, m.paced.direct.latency, 'p50'),
        addedP99: added(m.paced.gateway.latency, m.paced.direct.latency, 'p99'),
      }
    : null;
  return { c1, stream, paced, cN };
}

export function buildTargets(modes) {
  const out = [];
  for (const m of modes) {
    const d = (m.derived = derive(m));
    out.push({
      id: `c1-added-p50-${m.mode}`,
      label: `c=1 added latency p50, ${m.mode}`,
      value: d.c1.addedP50,
      unit: 'ms',
      target: `< ${TARGET_ADDED_P50_MS[m.mode]} ms`,
      pass: d.c1.addedP50 < TARGET_ADDED_P50_MS[m.mode],
    });
  }
  for (const m of modes) {
    // "No added delay before the first streamed chunk beyond the same overhead": the added
    // time-to-first-chunk may not exceed the added latency of a non-streamed answer in the same mode,
    // minus (strict) the event-commit wait, which must come after the first chunk, not before it.
    // Allowance for noise between two p50s: max(0.05 ms, 10 %).
    const commit = m.mode === 'strict' ? m.c1.gatewayMetrics.commitWaitMs : 0;
    const ref = m.derived.c1.addedP50 - (Number.isFinite(commit) ? commit : 0);
    const allowed = ref + Math.max(0.05, 0.1 * Math.abs(ref));
    out.push({
      id: `stream-added-ttft-p50-${m.mode}`,
      label: `streaming added TTFT p50, ${m.mode}`,
      value: m.derived.stream.addedTtftP50,
      unit: 'ms',
      target:
        m.mode === 'strict'
          ? `≤ c=1 added p50 − commit wait = ${fmt(ref)} ms (+ noise allowance: ≤ ${fmt(allowed)})`
          : `≤ c=1 added p50 = ${fmt(ref)} ms (+ noise allowance: ≤ ${fmt(allowed)})`,
      reference: ref,
      pass: m.derived.stream.addedTtftP50 <= allowed,
    });
  }
  for (const m of modes) {
    out.push({
      id: `cN-ratio-${m.mode}`,
      label: `c=${m.concurrency} throughput gateway/direct, ${m.mode}`,
      value: m.derived.cN.ratioPct,
      unit: '%',
      target: m.mode === 'strict' ? `≥ ${TARGET_CN_RATIO_STRICT_PCT} %` : '(none)',
      pass: m.mode === 'strict' ? m.derived.cN.ratioPct >= TARGET_CN_RATIO_STRICT_PCT : null,
    });
  }
  return out;
}

function table(rows, align = 'lr') {
  const widths = [];
  for (const r of rows)
    if (Array.isArray(r)) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  return rows
    .map((r) =>
      Array.isArray(r)
        ? r
            .map((c, i) =>
              (align[i] ?? align.at(-1)) === 'l'
                ? String(c).padEnd(widths[i])
                : String(c).padStart(widths[i]),
            )
            .join('   ')
            .trimEnd()
        : r,
    )
    .join('\n');
}

const trio = (s) => `${fmt(s.p50)} / ${fmt(s.p90)} / ${fmt(s.p99)}`;
const duo = (a, b, digits = 3) => `${fmt(a, digits)} / ${fmt(b, digits)}`;

export function printReport({ env, config, modes, targets }) {
  const c = config.concurrency;
  const cols = (f) => modes.map((m) => f(m, m.derived));
  const rows = [
    ['', ...modes.map((m) => m.mode)],
    `c=1, non-streaming, interleaved rounds of ${config.roundSize}`,
    ['  requests per path (direct / gateway)', ...cols((m) => `${m.c1.direct.n} / ${m.c1.gateway.n}`)],
    ['  direct  latency p50 / p90 / p99 (ms)', ...cols((m) => trio(m.c1.direct.latency))],
    ['  gateway latency p50 / p90 / p99 (ms)', ...cols((m) => trio(m.c1.gateway.latency))],
    ['  ADDED latency p50 / p99 (ms)', ...cols((m, d) => duo(d.c1.addedP50, d.c1.addedP99))],
    ['  gateway CPU per request (µs)', ...cols((m) => fmt(m.c1.gatewayMetrics.cpuUsPerReq, 0))],
    ['  event-commit wait per request, mean (ms)', ...cols((m) => fmt(m.c1.gatewayMetrics.commitWaitMs))],
    [
      '    … share of added p50 (strict: on the path)',
      ...cols((m, d) =>
        m.mode === 'strict'
          ? `${fmt((100 * m.c1.gatewayMetrics.commitWaitMs) / d.c1.addedP50, 0)} %`
          : 'after answer',
      ),
    ],
    `c=1, streaming (stream: true), first chunk = first data: line with a role/content delta`,
    [
      '  requests per path (direct / gateway)',
      ...cols((m) => `${m.stream.direct.n} / ${m.stream.gateway.n}`),
    ],
    ['  direct  TTFT p50 / p90 / p99 (ms)', ...cols((m) => trio(m.stream.direct.ttft))],
    ['  gateway TTFT p50 / p90 / p99 (ms)', ...cols((m) => trio(m.stream.gateway.ttft))],
    ['  ADDED TTFT p50 / p99 (ms)', ...cols((m, d) => duo(d.stream.addedTtftP50, d.stream.addedTtftP99))],
    [
      '  added full-stream time p50 / p99 (ms)',
      ...cols((m, d) => duo(d.stream.addedTotalP50, d.stream.addedTotalP99)),
    ],
    ['  gateway CPU per request (µs)', ...cols((m) => fmt(m.stream.gatewayMetrics.cpuUsPerReq, 0))],
    ['  event-commit wait per request, mean (ms)', ...cols((m) => fmt(m.stream.gatewayMetrics.commitWaitMs))],
    ...(modes.some((m) => m.paced)
      ? [
          `c=1, non-streaming, ${config.paceMs} ms pause after each answer (work left over from the previous request has finished)`,
          [
            '  requests per path (direct / gateway)',
            ...cols((m) => (m.paced ? `${m.paced.direct.n} / ${m.paced.gateway.n}` : '–')),
          ],
          [
            '  gateway latency p50 / p90 / p99 (ms)',
            ...cols((m) => (m.paced ? trio(m.paced.gateway.latency) : '–')),
          ],
          [
            '  ADDED latency p50 / p99 (ms)',
            ...cols((m, d) => (d.paced ? duo(d.paced.addedP50, d.paced.addedP99) : '–')),
          ],
          [
            '  event-commit wait per request, mean (ms)',
            ...cols((m) => (m.paced ? fmt(m.paced.gatewayMetrics.commitWaitMs) : '–')),
          ],
        ]
      : []),
    `c=${c}, non-streaming, closed loop, 4 rounds of ${config.cNSeconds} s (D G G D)`,
    ['  requests per path (direct / gateway)', ...cols((m) => `${m.cN.direct.n} / ${m.cN.gateway.n}`)],
    ['  direct  throughput (req/s)', ...cols((m) => fmt(m.cN.direct.rps, 0))],
    ['  gateway throughput (req/s)', ...cols((m) => fmt(m.cN.gateway.rps, 0))],
    ['  gateway / direct', ...cols((m, d) => `${fmt(d.cN.ratioPct, 1)} %`)],
    [
      '  direct  latency p50 / p99 (ms)',
      ...cols((m) => duo(m.cN.direct.latency.p50, m.cN.direct.latency.p99)),
    ],
    [
      '  gateway latency p50 / p99 (ms)',
      ...cols((m) => duo(m.cN.gateway.latency.p50, m.cN.gateway.latency.p99)),
    ],
    ['  gateway CPU per request (µs)', ...cols((m) => fmt(m.cN.gatewayMetrics.cpuUsPerReq, 0))],
    ['  event-commit wait per request, mean (ms)', ...cols((m) => fmt(m.cN.gatewayMetrics.commitWaitMs))],
    `CPU per request from /proc (10 ms ticks) and process.cpuUsage, µs — direct path / gateway path`,
    [
      '  mock upstream, c=1',
      ...cols((m) => duo(m.c1.direct.mockCpuUsPerReq, m.c1.gateway.mockCpuUsPerReq, 0)),
    ],
    [
      `  mock upstream, c=${c}`,
      ...cols((m) => duo(m.cN.direct.mockCpuUsPerReq, m.cN.gateway.mockCpuUsPerReq, 0)),
    ],
    [
      '  load generator (this process), c=1',
      ...cols((m) => duo(m.c1.direct.loadgenCpuUsPerReq, m.c1.gateway.loadgenCpuUsPerReq, 0)),
    ],
    [
      `  load generator (this process), c=${c}`,
      ...cols((m) => duo(m.cN.direct.loadgenCpuUsPerReq, m.cN.gateway.loadgenCpuUsPerReq, 0)),
    ],
    [
      `  gateway (/proc cross-check), c=1 / c=${c}`,
      ...cols((m) => duo(m.c1.gateway.gatewayProcCpuUsPerReq, m.cN.gateway.gatewayProcCpuUsPerReq, 0)),
    ],
    [
      `other processes on the machine, cores (c=1 / stream / c=${c})`,
      ...cols(
        (m) =>
          `${fmt(Math.max(0, m.c1.otherCores), 2)} / ${fmt(Math.max(0, m.stream.otherCores), 2)} / ${fmt(Math.max(0, m.cN.otherCores), 2)}`,
      ),
    ],
    ['gateway start-up to /health/ready (s)', ...cols((m) => fmt(m.startupMs / 1000, 1))],
    ['gateway idle CPU (ms per s, subtracted)', ...cols((m) => fmt(m.idleCpuMsPerSecond, 2))],
  ];
  const header = [
    '',
    `Switchyard gateway overhead — ${env.date}`,
    `node ${env.node}, ${env.cpus} × ${env.cpuModel}, ${env.platform}, commit ${env.commit ?? '?'}`,
    `mock upstream: separate process, MOCK_LATENCY_MS=0; model pinned to ${modes[0]?.model ?? '?'}; max_tokens ${config.maxTokens}`,
    ...(Object.keys(config.gatewayEnv).length || config.gatewayNodeFlags.length
      ? [
          `EXPERIMENT — gateway env ${JSON.stringify(config.gatewayEnv)}, node flags ${JSON.stringify(config.gatewayNodeFlags)}: not the product's numbers`,
        ]
      : []),
    '',
  ].join('\n');
  const targetRows = targets.map((t) => [
    `  [${t.pass === null ? 'info' : t.pass ? 'PASS' : 'FAIL'}]`,
    t.label,
    `${fmt(t.value, t.unit === '%' ? 1 : 3)} ${t.unit}`,
    `target ${t.target}`,
  ]);
  process.stdout.write(
    `${header}${table(rows)}\n\nTargets (information only)\n${table(targetRows, 'llrl')}\n\n`,
  );
}
