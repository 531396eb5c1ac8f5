// Preload for profiling only (node -r scripts/bench/lib/pglite-census.cjs …): counts every PGlite
// query the process runs, by statement, with its wall time (queue wait inside PGlite included) and
// its synchronous time inside PGlite's protocol call (the time the event loop is blocked). On SIGUSR2
// it writes the cumulative table as JSON to $PGLITE_CENSUS_OUT.<n> (n = 1, 2, …). Gateway code is
// not changed; only the PGlite class methods are wrapped in this process.
'use strict';
const { writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const out = process.env.PGLITE_CENSUS_OUT;
const stats = new Map();
let snapshots = 0;
let blockedMs = 0;
let current = null;

const keyOf = (sql) => sql.replace(/\s+/g, ' ').trim().slice(0, 120);
const entry = (key) => {
  let e = stats.get(key);
  if (!e) stats.set(key, (e = { count: 0, wallMs: 0, syncMs: 0 }));
  return e;
};

function wrap(PGlite) {
  const proto = PGlite.prototype;
  // query() and exec() queue on PGlite's mutex (_runExclusiveTransaction, FIFO) after an await; the
  // entry of each call is queued here in call order and becomes `current` while it holds the mutex,
  // so the synchronous protocol time below is charged to the statement that caused it.
  const waiting = [];
  for (const method of ['query', 'exec']) {
    const original = proto[method];
    if (typeof original !== 'function' || original.__census) continue;
    const wrapped = async function (sql, ...rest) {
      const e = entry(`${method}: ${keyOf(String(sql))}`);
      waiting.push(e);
      const t0 = performance.now();
      try {
        return await original.call(this, sql, ...rest);
      } finally {
        e.count += 1;
        e.wallMs += performance.now() - t0;
      }
    };
    wrapped.__census = true;
    proto[method] = wrapped;
  }
  const exclusive = proto._runExclusiveTransaction;
  if (typeof exclusive === 'function' && !exclusive.__census) {
    const wrapped = function (fn) {
      const e = waiting.shift() ?? entry('(other exclusive section)');
      return exclusive.call(this, async () => {
        current = e;
        try {
          return await fn();
        } finally {
          current = null;
        }
      });
    };
    wrapped.__census = true;
    proto._runExclusiveTransaction = wrapped;
  }
  // Synchronous protocol calls: where the WebAssembly postgres runs and blocks the event loop.
  const sync = proto.execProtocolRawSync;
  if (typeof sync === 'function' && !sync.__census) {
    const wrapped = function (...args) {
      const t0 = performance.now();
      try {
        return sync.apply(this, args);
      } finally {
        const ms = performance.now() - t0;
        blockedMs += ms;
        (current ?? entry('(outside query/exec)')).syncMs += ms;
      }
    };
    wrapped.__census = true;
    proto.execProtocolRawSync = wrapped;
  }
}

try {
  const mod = require('@electric-sql/pglite');
  wrap(mod.PGlite);
} catch (e) {
  process.stderr.write(`pglite-census: could not wrap PGlite: ${e.message}\n`);
}

process.on('SIGUSR2', () => {
  if (!out) return;
  snapshots += 1;
  const rows = [...stats.entries()].map(([sql, e]) => ({ sql, ...e }));
  writeFileSync(`${out}.${snapshots}`, JSON.stringify({ at: performance.now(), blockedMs, rows }));
});
