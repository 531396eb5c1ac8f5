// Preload for memory measurements only (node -r scripts/bench/lib/memory-probe.cjs …): on SIGUSR2 it
// writes the process's memory as JSON to $MEMORY_PROBE_OUT.<n> (n = 1, 2, …): process.memoryUsage(),
// V8's heap spaces, and the size of each PGlite instance's WebAssembly memory (the postgres heap,
// which only grows). With MEMORY_PROBE_HEAPSNAPSHOT=1 it also writes a heap snapshot next to it
// ($MEMORY_PROBE_OUT.<n>.heapsnapshot; slow, and it costs about the JS heap's size again). When the
// gateway runs with --expose-gc, a full collection runs first, so "heap used" is the live heap (what
// tells a leak from garbage not collected yet).
// Gateway code is not changed; PGlite's query methods are wrapped only to find its instances.
'use strict';
const { writeFileSync } = require('node:fs');
const v8 = require('node:v8');

const out = process.env.MEMORY_PROBE_OUT;
const withSnapshot = process.env.MEMORY_PROBE_HEAPSNAPSHOT === '1';
const instances = new Set();
let snapshots = 0;

try {
  const { PGlite } = require('@electric-sql/pglite');
  for (const method of ['query', 'exec']) {
    const original = PGlite.prototype[method];
    if (typeof original !== 'function') continue;
    PGlite.prototype[method] = function (...args) {
      instances.add(this);
      return original.apply(this, args);
    };
  }
} catch (e) {
  process.stderr.write(`memory-probe: could not wrap PGlite: ${e.message}\n`);
}

/** Bytes of an instance's WebAssembly memory (the Emscripten module's heap). */
function wasmBytes(pglite) {
  const mod = pglite.mod;
  const buffer = mod?.wasmMemory?.buffer ?? mod?.HEAPU8?.buffer;
  return buffer ? buffer.byteLength : null;
}

process.on('SIGUSR2', () => {
  if (!out) return;
  snapshots += 1;
  const file = `${out}.${snapshots}`;
  if (typeof global.gc === 'function') global.gc();
  const heapSpaces = Object.fromEntries(
    v8.getHeapSpaceStatistics().map((s) => [s.space_name, { used: s.space_used_size, size: s.space_size }]),
  );
  const report = {
    memoryUsage: process.memoryUsage(),
    heap: v8.getHeapStatistics(),
    heapSpaces,
    pgliteWasmBytes: [...instances].filter((p) => !p.closed).map(wasmBytes),
  };
  if (withSnapshot) report.heapSnapshot = v8.writeHeapSnapshot(`${file}.heapsnapshot`);
  writeFileSync(file, JSON.stringify(report));
});
