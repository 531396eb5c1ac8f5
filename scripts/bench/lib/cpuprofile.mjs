// A tiny .cpuprofile analyser: self and inclusive time per function and per "area" (package,
// Switchyard file, node core, GC, PGlite's WebAssembly), optionally within a time window, as µs per
// request.
import { readFileSync } from 'node:fs';

/** What area a call frame belongs to. */
export function areaOf(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName.startsWith('(')) return functionName; // (garbage collector) (program) (idle) (root)
    return '(native / V8 builtins)';
  }
  if (url.startsWith('wasm://')) return 'WebAssembly (PGlite postgres, undici llhttp)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
    return `node:${m ? m[1] : url.slice(5)}`;
  }
  const dist = /\/dist\/((?:apps|libs)\/[^/]+)\/src\/(.*)\.js$/.exec(url);
  if (dist) return `switchyard ${dist[1]}/${dist[2]}`;
  return url.replace(/^file:\/\//, '');
}

/** Areas that do work on behalf of their caller (node core, V8 builtins): charged to the caller. */
const transparent = (area) =>
  area === '(native / V8 builtins)' ||
  area.startsWith('node:') ||
  area.startsWith('WebAssembly') ||
  area === '(program)' ||
  area === '(root)';

const COMPONENTS = [
  [/^@electric-sql\/pglite/, 'PGlite (WASM postgres, its JS glue, its sync fs calls)'],
  [/^(knex|knex-pglite|tarn|lodash|pg-connection-string|getopts|colorette)$/, 'knex (+ knex-pglite, tarn)'],
  [
    /^(class-validator|class-transformer|validator|libphonenumber-js)$/,
    'class-validator / class-transformer',
  ],
  [
    /^(@nestjs\/|rxjs$|reflect-metadata$|iterare$|path-to-regexp$|uid$|tslib$)/,
    'NestJS (core, common, platform-fastify, cqrs, rxjs)',
  ],
  [
    /^(fastify|find-my-way|@fastify\/|avvio|light-my-request|fast-json-stringify|fast-querystring|safe-regex2|ret|abstract-logging|process-warning|toad-cache|fastq|reusify|rfdc|secure-json-parse|content-type|proxy-addr|forwarded|ipaddr\.js|fast-decode-uri-component|json-schema-ref-resolver|fast-uri|@fastify)/,
    'fastify (+ find-my-way, middie)',
  ],
  [/^undici$/, 'undici (upstream client)'],
  [
    /^(pino|sonic-boom|thread-stream|on-exit-leak-free|quick-format-unescaped|atomic-sleep|real-require|safe-stable-stringify|pino-std-serializers)$/,
    'pino',
  ],
  [/^(prom-client|tdigest|bintrees)$/, 'prom-client'],
  [/^gpt-tokenizer$/, 'gpt-tokenizer'],
  [/^switchyard apps\/gateway\//, 'switchyard apps/gateway (controller, service, guard, recorder …)'],
  [/^switchyard libs\/eventstore\//, 'switchyard libs/eventstore (append, group commit, subscriptions)'],
  [/^switchyard libs\/projections\//, 'switchyard libs/projections (runner, checkpoints)'],
  [/^switchyard libs\//, 'switchyard other libs (routing, providers, usage-billing, shared-kernel …)'],
];

/** The component a sample is charged to: the innermost non-transparent frame of its stack. */
function componentOf(stack) {
  if (stack.length === 0) return '(unknown)';
  const leaf = stack[0];
  if (leaf.startsWith('(garbage collector)') || leaf === '(idle)') return leaf;
  for (const area of stack) {
    if (transparent(area)) continue;
    for (const [re, name] of COMPONENTS) if (re.test(area)) return name;
    return `other: ${area}`;
  }
  return 'node core / event loop (no JS caller on the stack: http parser, timers, microtasks)';
}

const shortUrl = (url) =>
  url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '');

export function analyze(file, { startUs = -Infinity, endUs = Infinity, requests = 1 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map();
  const parent = new Map();
  for (const n of profile.nodes) nodes.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) =>
    `${n.callFrame.functionName || '(anonymous)'}  ${shortUrl(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  const stackMemo = new Map();
  const stackOf = (id) => {
    let s = stackMemo.get(id);
    if (s) return s;
    const fns = new Set();
    const areas = new Set();
    const areaStack = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const n = nodes.get(cur);
      const area = areaOf(n.callFrame);
      fns.add(keyOf(n));
      areas.add(area);
      areaStack.push(area);
    }
    s = { fns, areas, component: componentOf(areaStack) };
    stackMemo.set(id, s);
    return s;
  };

  const self = new Map();
  const selfArea = new Map();
  const incl = new Map();
  const inclArea = new Map();
  const byComponent = new Map();
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  let t = profile.startTime;
  let total = 0;
  let windowStart = Infinity;
  let windowEnd = -Infinity;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i];
    if (t < startUs || t > endUs) continue;
    const dur = i + 1 < samples.length ? timeDeltas[i + 1] : 0;
    if (dur <= 0) continue;
    windowStart = Math.min(windowStart, t);
    windowEnd = Math.max(windowEnd, t);
    const n = nodes.get(samples[i]);
    total += dur;
    add(self, keyOf(n), dur);
    add(selfArea, areaOf(n.callFrame), dur);
    const { fns, areas, component } = stackOf(n.id);
    add(byComponent, component, dur);
    for (const f of fns) add(incl, f, dur);
    for (const a of areas) add(inclArea, a, dur);
  }
  const perReq = (v) => v / requests;
  const sorted = (m) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ key: k, us: v, usPerReq: perReq(v) }));
  const idle = selfArea.get('(idle)') ?? 0;
  return {
    file,
    requests,
    profileStartUs: profile.startTime,
    profileEndUs: profile.endTime,
    windowUs: windowEnd - windowStart,
    sampledUs: total,
    busyUs: total - idle,
    idleUs: idle,
    byComponent: sorted(byComponent),
    selfByArea: sorted(selfArea),
    inclusiveByArea: sorted(inclArea),
    selfByFunction: sorted(self),
    inclusiveByFunction: sorted(incl),
  };
}

export function printAnalysis(r, { top = 40 } = {}) {
  const line = (e, total) =>
    `${e.usPerReq.toFixed(1).padStart(9)} µs/req ${((100 * e.us) / total).toFixed(1).padStart(5)} %  ${e.key}`;
  const busy = r.busyUs;
  const out = [];
  out.push(
    `window ${(r.windowUs / 1e6).toFixed(2)} s, busy (non-idle) ${(busy / 1e3).toFixed(0)} ms = ${(busy / r.requests).toFixed(1)} µs/req over ${r.requests} requests (main thread only)`,
  );
  out.push(
    '\n-- by component (each sample charged to the innermost library / Switchyard frame; node core and V8 builtins count for their caller)',
  );
  for (const e of r.byComponent.filter((e) => e.key !== '(idle)')) out.push(line(e, busy));
  out.push('\n-- self time by area (% of busy)');
  for (const e of r.selfByArea.filter((e) => e.key !== '(idle)').slice(0, top)) out.push(line(e, busy));
  out.push('\n-- inclusive time by area (stack contains a frame of it)');
  for (const e of r.inclusiveByArea.filter((e) => e.key !== '(idle)' && e.key !== '(root)').slice(0, top))
    out.push(line(e, busy));
  out.push(`\n-- top ${top} functions by self time`);
  for (const e of r.selfByFunction.filter((e) => !e.key.startsWith('(idle)')).slice(0, top))
    out.push(line(e, busy));
  out.push(`\n-- top ${top} Switchyard / framework functions by inclusive time`);
  for (const e of r.inclusiveByFunction.filter((e) => !e.key.startsWith('(')).slice(0, top))
    out.push(line(e, busy));
  process.stdout.write(`${out.join('\n')}\n`);
}
