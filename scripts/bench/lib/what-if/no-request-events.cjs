// WHAT-IF EXPERIMENT, never for real numbers: preload into the gateway
// (BENCH_GATEWAY_NODE_FLAGS="-r ./scripts/bench/lib/what-if/no-request-events.cjs") so that appends
// of request streams (`request-…`) succeed at once without touching PGlite. Everything else runs as
// usual (group-commit writer, event building, metrics; account events at start-up are written for
// real), but no request event is stored, so subscriptions and projections stay idle. The difference
// to a normal run is what the event log costs per request. Gateway code is not changed.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..', '..');
const { PostgresEventStore } = require(path.join(root, 'dist/libs/eventstore/src'));

let position = 0n;
const original = PostgresEventStore.prototype.appendMany;
PostgresEventStore.prototype.appendMany = async function appendMany(requests) {
  if (!requests.every((r) => r.streamId.startsWith('request-'))) return original.call(this, requests);
  return requests.map((r) => {
    position += BigInt(r.events.length);
    return { nextRevision: BigInt(r.events.length - 1), position: { commit: position, prepare: position } };
  });
};
process.stderr.write('[what-if] request events are NOT stored (no-request-events.cjs)\n');
