#!/usr/bin/env node
// The floor for the gateway's targets on this machine: the same measurements as run.mjs (c=1 added
// latency, c=32 throughput ratio) for a minimal node:http + undici JSON proxy (lib/minimal-proxy.mjs)
// instead of the gateway. What no Node gateway can beat here (one extra loopback hop, two JSON
// round trips). ~30 s.   node scripts/bench/proxy-floor.mjs   (needs `npm run build` for the mock)
import { closedLoop, makeTarget } from './lib/load.mjs';
import { installCleanupHandlers, startMinimalProxy, startMock, runMain } from './lib/processes.mjs';
import { concat, fmt, summarize } from './lib/stats.mjs';

const requests = Number(process.env.FLOOR_REQUESTS || 2000);
const seconds = Number(process.env.FLOOR_C32_SECONDS || 3);
installCleanupHandlers({ timeoutSeconds: 300 });

async function main() {
  const mock = await startMock({ latencyMs: 0 });
  const proxy = await startMinimalProxy(mock.url);
  const body = {
    model: 'swift-mini',
    messages: [{ role: 'user', content: 'Hello' }],
    max_tokens: 16,
    stream: false,
  };
  const mk = (name, origin, connections) =>
    makeTarget({ name, origin, path: '/v1/chat/completions', headers: {}, body, connections });
  const d1 = mk('direct', mock.url, 1);
  const p1 = mk('proxy', proxy.url, 1);
  const dN = mk('direct c=32', mock.url, 32);
  const pN = mk('proxy c=32', proxy.url, 32);
  for (const t of [d1, p1]) await closedLoop(t, { concurrency: 1, count: 500, maxSeconds: 30 });
  for (const t of [dN, pN]) await closedLoop(t, { concurrency: 32, count: 5000, maxSeconds: 1 });
  const lat = { direct: [], proxy: [] };
  const rounds = Math.max(2, Math.ceil(requests / 250));
  for (let r = 0; r < rounds; r++) {
    for (const [k, t] of r % 2
      ? [
          ['proxy', p1],
          ['direct', d1],
        ]
      : [
          ['direct', d1],
          ['proxy', p1],
        ]) {
      lat[k].push(
        (await closedLoop(t, { concurrency: 1, count: Math.ceil(requests / rounds), maxSeconds: 60 }))
          .latencies,
      );
    }
  }
  const rps = { direct: [0, 0], proxy: [0, 0] };
  for (const [k, t] of [
    ['direct', dN],
    ['proxy', pN],
    ['proxy', pN],
    ['direct', dN],
  ]) {
    const res = await closedLoop(t, { concurrency: 32, count: 1_000_000, maxSeconds: seconds });
    rps[k][0] += res.done;
    rps[k][1] += res.wallMs / 1000;
  }
  const sd = summarize(concat(lat.direct));
  const sp = summarize(concat(lat.proxy));
  const rd = rps.direct[0] / rps.direct[1];
  const rp = rps.proxy[0] / rps.proxy[1];
  process.stdout.write(
    [
      `minimal node:http + undici JSON proxy vs direct (same mock, MOCK_LATENCY_MS=0), ${new Date().toISOString()}`,
      `  c=1   direct p50/p99 ${fmt(sd.p50)} / ${fmt(sd.p99)} ms   proxy p50/p99 ${fmt(sp.p50)} / ${fmt(sp.p99)} ms   ADDED p50/p99 ${fmt(sp.p50 - sd.p50)} / ${fmt(sp.p99 - sd.p99)} ms`,
      `  c=32  direct ${fmt(rd, 0)} req/s   proxy ${fmt(rp, 0)} req/s   proxy/direct ${fmt((100 * rp) / rd, 1)} %`,
      '',
    ].join('\n'),
  );
  await Promise.all([d1, p1, dN, pN].map((t) => t.close()));
}

runMain('proxy-floor', main);
