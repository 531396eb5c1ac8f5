#!/usr/bin/env node
// Usage analytics queries on 1,000,000 usage facts: `npm run bench:usage` (builds first; BENCH_DIST=<dir>
// reads another build). Loads the facts straight into usage_facts with one INSERT … SELECT over
// generate_series (replaying a million requests' events through the projection would take far longer
// here), then builds usage_daily_rollups and usage_hourly_rollups from them with the same grouping the
// projection maintains incrementally (per user and for '*' = every user; the int test checks the
// projection's rollups equal exactly this recomputation). Then times every query handler, for a heavy
// user (100,000 facts) and for every user together, over the last 30 days and the last 365 days (ranges
// that do not start or end on a day boundary, so both rollups and facts are read).
//
// BENCH_BACKENDS=pglite,postgres (postgres needs DATABASE_URL; default: pglite, plus postgres when
// DATABASE_URL is set), BENCH_FACTS=1000000, BENCH_RUNS=15 (after 3 warm-up runs).
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { summarize } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dist = path.resolve(root, process.env.BENCH_DIST || 'dist');
const load = (p) => require(path.join(dist, p));
const { createDatabase, ensureSchema, runMigrations } = load('libs/database/src/index.js');
const { allMigrations } = load('migrations/index.js');
const ub = load('libs/usage-billing/src/index.js');
const { GetUsageSummaryHandler } = load(
  'libs/usage-billing/src/analytics/queries/get-usage-summary/get-usage-summary.handler.js',
);
const { GetUsageBreakdownHandler } = load(
  'libs/usage-billing/src/analytics/queries/get-usage-breakdown/get-usage-breakdown.handler.js',
);
const { GetUsageTimeseriesHandler } = load(
  'libs/usage-billing/src/analytics/queries/get-usage-timeseries/get-usage-timeseries.handler.js',
);
const { ListUsageRequestsHandler } = load(
  'libs/usage-billing/src/analytics/queries/list-usage-requests/list-usage-requests.handler.js',
);
const { ExportUsageHandler } = load(
  'libs/usage-billing/src/analytics/queries/export-usage/export-usage.handler.js',
);

const FACTS = Number(process.env.BENCH_FACTS || 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS || 15);
const WARMUP = 3;
const NOW = new Date('2026-12-01T13:37:21.123Z');
const YEAR_MS = 365 * 86_400_000;
const HEAVY = 'heavy-user';
const backends = (process.env.BENCH_BACKENDS || (process.env.DATABASE_URL ? 'pglite,postgres' : 'pglite'))
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

const MEASURES_FROM_FACTS = `count(*), sum(case when outcome = 'failed' then 1 else 0 end),
  sum(case when outcome = 'interrupted' then 1 else 0 end), sum(case when attempts > 1 then 1 else 0 end),
  sum(case when streamed then 1 else 0 end), sum(prompt_tokens), sum(completion_tokens), sum(cached_tokens),
  sum(cache_write_tokens), sum(provider_cost_micros), sum(charged_micros), coalesce(sum(latency_ms), 0),
  count(latency_ms), coalesce(sum(ttft_ms), 0), count(ttft_ms)`;
const MEASURE_COLUMNS = `requests, failed_requests, interrupted_requests, fallback_requests, streamed_requests,
  prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, provider_cost_micros, charged_micros,
  latency_ms_sum, latency_count, ttft_ms_sum, ttft_count`;

/** 10 % of the facts belong to one heavy user, the rest to 997 others; a year of traffic up to NOW. */
async function loadFacts(knex) {
  const started = Date.now();
  // h(g, k): a cheap deterministic hash in [0, 2^31) for column k of row g.
  const h = (k) => `((g::bigint * ${2654435761 + k * 40503}) % 2147483647)`;
  await knex.raw(
    `
    insert into usage_facts (request_id, user_id, occurred_at, provider, model_id, power_level, key_source, key_id,
      outcome, attempts, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, provider_cost_micros,
      charged_micros, latency_ms, ttft_ms, streamed, estimated, finish_reason, failure_reason, failure_status,
      last_commit, last_prepare)
    select md5(g::text)::uuid::text,
      case when g % 10 = 0 then '${HEAVY}' else 'user-' || (g % 997) end,
      ?::timestamptz - ((g::bigint * 2654435761) % ${YEAR_MS}) * interval '1 millisecond',
      'provider-' || (${h(2)} % 4), 'model-' || (${h(2)} % 4) || '-' || (${h(3)} % 3),
      (array['eco','balanced','precision'])[1 + ${h(4)} % 3],
      case when ${h(5)} % 4 = 0 then 'byok' else 'platform' end, null,
      case when ${h(6)} % 50 = 0 then 'failed' when ${h(6)} % 50 = 1 then 'interrupted' else 'completed' end,
      case when ${h(7)} % 20 = 0 then 2 else 1 end,
      case when ${h(6)} % 50 = 0 then 0 else ${h(8)} % 4000 end,
      case when ${h(6)} % 50 = 0 then 0 else ${h(9)} % 1000 end,
      0, 0,
      case when ${h(6)} % 50 = 0 then 0 else ${h(10)} % 20000 end,
      case when ${h(6)} % 50 = 0 then 0 else ${h(11)} % 40000 end,
      case when ${h(6)} % 50 = 0 then null else (${h(12)} % 3000000) / 1000.0 end,
      case when ${h(6)} % 50 = 0 or ${h(13)} % 2 = 0 then null else (${h(14)} % 500000) / 1000.0 end,
      ${h(13)} % 2 = 1, false,
      case when ${h(6)} % 50 = 0 then null else 'stop' end,
      case when ${h(6)} % 50 = 0 then 'upstream_error' else null end,
      case when ${h(6)} % 50 = 0 then 502 else null end,
      g, g
    from generate_series(1, ?) g`,
    [NOW.toISOString(), FACTS],
  );
  const factsMs = Date.now() - started;
  for (const who of ['user_id', `'*'`]) {
    await knex.raw(`
      insert into usage_daily_rollups (user_id, day, provider, model_id, power_level, key_source, ${MEASURE_COLUMNS})
      select ${who}, (occurred_at at time zone 'UTC')::date, provider, model_id, power_level, key_source,
        ${MEASURES_FROM_FACTS}
      from usage_facts where outcome <> 'routed' group by 1, 2, 3, 4, 5, 6`);
    await knex.raw(`
      insert into usage_hourly_rollups (user_id, hour, ${MEASURE_COLUMNS})
      select ${who}, date_trunc('hour', occurred_at at time zone 'UTC') at time zone 'UTC', ${MEASURES_FROM_FACTS}
      from usage_facts where outcome <> 'routed' group by 1, 2`);
  }
  await knex.raw('analyze');
  const counts = {};
  for (const t of ['usage_facts', 'usage_daily_rollups', 'usage_hourly_rollups'])
    counts[t] = Number((await knex.raw(`select count(*)::int as n from ${t}`)).rows[0].n);
  return { factsMs, totalMs: Date.now() - started, counts };
}

async function time(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const s = summarize(samples);
  const p95 = [...samples].sort((a, b) => a - b)[
    Math.min(samples.length - 1, Math.ceil(0.95 * samples.length) - 1)
  ];
  return { p50: s.p50, p95 };
}

/**
 * The write side's cost: REQUESTS requests (RequestRouted + UsageRecorded each) of 200 users through
 * the real projection, in batches of 256 events as the runner delivers them, on top of the loaded
 * million (so the indexes have their real size).
 */
async function timeProjection(knex) {
  const REQUESTS = 20_000;
  const events = [];
  let position = 10_000_000_000n;
  for (let i = 0; i < REQUESTS; i++) {
    const requestId = `bench-${i}`;
    const userId = `user-${i % 200}`;
    const at = new Date(NOW.getTime() + i);
    const base = { requestId, userId };
    const ev = (type, data) => ({
      id: `${requestId}-${type}`,
      type,
      version: 1,
      data: { ...base, ...data },
      metadata: { correlationId: requestId, actorId: userId },
      occurredAt: at,
      streamId: `request-${requestId}`,
      revision: 0n,
      position: { commit: ++position, prepare: position },
    });
    const provider = `provider-${i % 4}`;
    const modelId = `model-${i % 4}-${i % 3}`;
    events.push(
      ev('RequestRouted', {
        chosenProvider: provider,
        chosenModelId: modelId,
        powerLevel: 'balanced',
        keySource: 'platform',
        streamed: false,
      }),
      ev('UsageRecorded', {
        provider,
        modelId,
        powerLevel: 'balanced',
        keySource: 'platform',
        promptTokens: 100,
        completionTokens: 50,
        cachedTokens: 0,
        estimated: false,
        providerCostMicros: '1234',
        chargedMicros: '2345',
        latencyMs: 123.4,
        timeToFirstTokenMs: null,
        streamed: false,
        finishReason: 'stop',
        outcome: 'completed',
        attempts: 1,
      }),
    );
  }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += 256)
    await knex.transaction((trx) => ub.usageAnalyticsProjection.apply(trx, events.slice(i, i + 256)));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { requests: REQUESTS, usPerRequest: (ms * 1000) / REQUESTS };
}

async function runBackend(backend) {
  const dataDir = backend === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'switchyard-bench-usage-')) : null;
  const schema = `bench_usage_${Date.now()}`;
  const config =
    backend === 'pglite'
      ? { kind: 'pglite', dataDir }
      : { kind: 'postgres', url: process.env.DATABASE_URL, schema, poolMax: 4 };
  const knex = createDatabase(config);
  try {
    await ensureSchema(knex, config);
    await runMigrations(knex, allMigrations);
    process.stderr.write(`${backend}: loading ${FACTS} facts…\n`);
    const loaded = await loadFacts(knex);
    process.stderr.write(`${backend}: loaded in ${loaded.totalMs} ms ${JSON.stringify(loaded.counts)}\n`);
    const h = {
      summary: new GetUsageSummaryHandler(knex),
      breakdown: new GetUsageBreakdownHandler(knex),
      series: new GetUsageTimeseriesHandler(knex),
      requests: new ListUsageRequestsHandler(knex),
      export: new ExportUsageHandler(knex),
    };
    const scopes = { 'heavy user': { kind: 'user', userId: HEAVY }, 'all users': { kind: 'all' } };
    const ranges = {
      '30 days': { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW },
      '365 days': { from: new Date(NOW.getTime() - YEAR_MS), to: NOW },
    };
    const results = [];
    for (const [scopeName, scope] of Object.entries(scopes))
      for (const [rangeName, range] of Object.entries(ranges)) {
        const page1 = await h.requests.execute(new ub.ListUsageRequestsQuery(scope, range, 100, null));
        const queries = {
          summary: () => h.summary.execute(new ub.GetUsageSummaryQuery(scope, range)),
          'by-provider': () => h.breakdown.execute(new ub.GetUsageBreakdownQuery(scope, range, 'provider')),
          'by-model': () => h.breakdown.execute(new ub.GetUsageBreakdownQuery(scope, range, 'model')),
          'by-power-level': () =>
            h.breakdown.execute(new ub.GetUsageBreakdownQuery(scope, range, 'powerLevel')),
          'timeseries day': () => h.series.execute(new ub.GetUsageTimeseriesQuery(scope, range, 'day')),
          'timeseries hour': () => h.series.execute(new ub.GetUsageTimeseriesQuery(scope, range, 'hour')),
          'requests (first 100)': () =>
            h.requests.execute(new ub.ListUsageRequestsQuery(scope, range, 100, null)),
          'requests (next 100, cursor)': () =>
            h.requests.execute(new ub.ListUsageRequestsQuery(scope, range, 100, page1.nextCursor)),
          'export (first 1,000 rows)': async () => {
            const { rows } = await h.export.execute(new ub.ExportUsageQuery(scope, range));
            let n = 0;
            for await (const _row of rows) if (++n === 1000) break;
          },
        };
        for (const [query, fn] of Object.entries(queries)) {
          if (query === 'timeseries hour' && range.to - range.from > ub.MAX_HOURLY_RANGE_DAYS * 86_400_000) {
            // Refused with a 400 (bucket=hour covers at most 31 days): check that, time nothing.
            await fn().then(
              () => {
                throw new Error('an hourly timeseries over a year was not refused');
              },
              (e) => {
                if (e.code !== 'USAGE.TOO_MANY_BUCKETS') throw e;
              },
            );
            results.push({ backend, scope: scopeName, range: rangeName, query, refused: true });
            continue;
          }
          const t = await time(fn);
          results.push({ backend, scope: scopeName, range: rangeName, query, ...t });
          process.stderr.write(
            `${backend} ${scopeName} ${rangeName} ${query}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms\n`,
          );
        }
      }
    // The whole export of the heavy user's year: throughput, not latency.
    const t0 = Date.now();
    let exported = 0;
    const { rows } = await h.export.execute(
      new ub.ExportUsageQuery(scopes['heavy user'], ranges['365 days']),
    );
    for await (const line of ub.usageExportChunks(rows, 'csv')) exported += line.length > 0 ? 1 : 0;
    const exportMs = Date.now() - t0;
    const projection = await timeProjection(knex);
    return { backend, loaded, results, fullExport: { rows: exported - 1, ms: exportMs }, projection };
  } finally {
    if (backend === 'postgres') await knex.raw('drop schema if exists ?? cascade', [schema]);
    await knex.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

const all = [];
for (const backend of backends) all.push(await runBackend(backend));

// Markdown: one row per query × scope × range, a column pair per backend.
const keyOf = (r) => `${r.scope}|${r.range}|${r.query}`;
const rows = [...new Map(all.flatMap((b) => b.results).map((r) => [keyOf(r), r])).values()];
const header = `| scope | range | query | ${all.map((b) => `${b.backend} p50 / p95 (ms)`).join(' | ')} |`;
const lines = [header, `|---|---|---|${all.map(() => '---:|').join('')}`];
for (const r of rows) {
  const cells = all.map((b) => {
    const m = b.results.find((x) => keyOf(x) === keyOf(r));
    if (m?.refused) return '400 (hourly: ≤ 31 days)';
    return m ? `${m.p50.toFixed(1)} / ${m.p95.toFixed(1)}` : '–';
  });
  lines.push(`| ${r.scope} | ${r.range} | ${r.query} | ${cells.join(' | ')} |`);
}
const worst = Math.max(...all.flatMap((b) => b.results.filter((r) => !r.refused).map((r) => r.p95)));
console.log(lines.join('\n'));
for (const b of all)
  console.log(
    `\n${b.backend}: load ${b.loaded.totalMs} ms (${JSON.stringify(b.loaded.counts)}); whole CSV export of the heavy user's year: ${b.fullExport.rows} rows in ${b.fullExport.ms} ms; projection: ${b.projection.usPerRequest.toFixed(0)} µs per request (${b.projection.requests} requests, batches of 256 events)`,
  );
console.log(
  `\nworst p95: ${worst.toFixed(1)} ms (${worst < 100 ? 'every query under 100 ms' : 'OVER 100 ms'})`,
);
