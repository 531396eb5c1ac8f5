import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { QueryBus } from '@nestjs/cqrs';
import {
  ListProviderHealthChangesHandler,
  ListProviderHealthChangesQuery,
  providerHealthTimelineProjection,
} from '@gw/catalog';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import type { Clock, RecordedEvent } from '@gw/shared-kernel';
import { migration as createProviderHealthTimeline } from '../../../../../migrations/20261123123000_create_provider_health_timeline';
import { migration as createProviderHealthBuckets } from '../../../../../migrations/20261216120000_create_provider_health_buckets';
import { floorToHour, floorToMinute } from '../../health/health-window';
import { addSample, emptyHistogram } from '../../health/latency-histogram';
import type { ProviderHealthDirectory } from '../../health/provider-health-directory';
import type { HealthWindow } from '../../health/provider-health-report';
import { GetProviderHealthDetailHandler } from '../../queries/get-provider-health-detail/get-provider-health-detail.handler';
import { GetProviderHealthDetailQuery } from '../../queries/get-provider-health-detail/get-provider-health-detail.query';
import { GetProviderHealthReportHandler } from '../../queries/get-provider-health-report/get-provider-health-report.handler';
import { GetProviderHealthReportQuery } from '../../queries/get-provider-health-report/get-provider-health-report.query';
import { ListModelLatencyHandler } from '../../queries/list-model-latency/list-model-latency.handler';
import { ListModelLatencyQuery } from '../../queries/list-model-latency/list-model-latency.query';
import { providerHealthProjection } from './provider-health.projection';
import {
  ALL_MODELS,
  PROVIDER_HEALTH_HOURS_TABLE,
  PROVIDER_HEALTH_MINUTES_TABLE,
} from './provider-health.tables';

/**
 * The health report with 1,000,000 requests recorded over 7 days answers each window in under 100 ms
 * (best of 5). The rows go straight into the read model, as the projection would have left them
 * (replaying a million requests' events would take minutes here): 6 providers with 4 models each,
 * a daily traffic curve, a fifth of the calls on callers' own keys, 1-6 % failures of every kind,
 * log-normal latencies per provider, half of the answers streamed. Also measures what the projection
 * costs per request, one request per batch (a quiet embedded gateway) and 100 per batch (a busy one).
 */
const REQUESTS = 1_000_000;
/**
 * Wall-clock budgets mean nothing on a box running several times more work than it has cores (seen
 * here: load 20 on 2 cores, where `select 1` takes 8 ms): the timing assertions are skipped then,
 * with the reason printed; the queries still run and their answers are still checked.
 */
const LOAD_PER_CORE = loadavg()[0]! / Math.max(1, cpus().length);
const timed = LOAD_PER_CORE > 4 ? it.skip : it;
if (LOAD_PER_CORE > 4)
  console.warn(
    `provider health at scale: timing assertions skipped, load ${LOAD_PER_CORE.toFixed(1)} per core (over 4)`,
  );
const BUDGET_MS = 100;
const NOW = Date.parse('2026-12-01T12:30:20Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const clock: Clock = { now: () => new Date(NOW) };
/** The 7d window's start: 168 hourly buckets, the current one included. */
const WINDOW_FROM = floorToHour(NOW) - 167 * HOUR;

/** mulberry32: a deterministic generator with a period far beyond a million draws. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVIDERS = ['openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'groq'].map((slug, i) => ({
  slug,
  name: slug[0]!.toUpperCase() + slug.slice(1),
  enabled: true,
  medianMs: 300 + i * 250,
  failureRate: 0.01 + i * 0.01,
  models: [1, 2, 3, 4].map((m) => `${slug}/model-${m}`),
}));

interface SeedRow {
  bucket: number;
  provider: string;
  credential: string;
  model_id: string;
  attempts: number;
  successes: number;
  rate_limited: number;
  server_error: number;
  timeout: number;
  auth: number;
  other: number;
  latency: number[];
  ttft: number[];
}

const KINDS = ['rate_limited', 'server_error', 'timeout', 'auth', 'other'] as const;

/** The rows a million requests leave: per minute for the last two hours, per hour for 7 days. */
function seedRows(): { minutes: SeedRow[]; hours: SeedRow[] } {
  const rnd = prng(2026);
  const minutes = new Map<string, SeedRow>();
  const hours = new Map<string, SeedRow>();
  const row = (
    rows: Map<string, SeedRow>,
    bucket: number,
    provider: string,
    credential: string,
    model: string,
  ) => {
    const key = `${bucket}|${provider}|${credential}|${model}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        bucket,
        provider,
        credential,
        model_id: model,
        attempts: 0,
        successes: 0,
        rate_limited: 0,
        server_error: 0,
        timeout: 0,
        auth: 0,
        other: 0,
        latency: emptyHistogram(),
        ttft: emptyHistogram(),
      };
      rows.set(key, r);
    }
    return r;
  };
  let made = 0;
  while (made < REQUESTS) {
    const at = WINDOW_FROM + Math.floor(rnd() * (NOW - WINDOW_FROM));
    // a daily curve: three times the traffic at 15:00 UTC as at 03:00
    const hourOfDay = new Date(at).getUTCHours();
    if (rnd() > 0.5 + 0.5 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI) * 0.5 + 0.25) continue;
    made++;
    const p = PROVIDERS[Math.floor(rnd() * PROVIDERS.length)]!;
    const model = p.models[Math.floor(rnd() * p.models.length)]!;
    const credential = rnd() < 0.2 ? 'byok' : 'platform';
    const failed = rnd() < p.failureRate ? KINDS[Math.floor(rnd() * KINDS.length)]! : null;
    // log-normal around the provider's median
    const gauss = Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd());
    const latency = p.medianMs * Math.exp(0.6 * gauss);
    const ttft = rnd() < 0.5 ? latency * (0.1 + 0.2 * rnd()) : null;
    // hour rows per provider credential and per model, minute rows per provider credential (as the projection writes)
    const targets = [
      row(hours, floorToHour(at), p.slug, credential, ALL_MODELS),
      row(hours, floorToHour(at), p.slug, credential, model),
    ];
    if (at >= NOW - 2 * HOUR) targets.push(row(minutes, floorToMinute(at), p.slug, credential, ALL_MODELS));
    for (const r of targets) {
      r.attempts++;
      if (failed) r[failed]++;
      else {
        r.successes++;
        addSample(r.latency, latency);
        if (ttft !== null) addSample(r.ttft, ttft);
      }
    }
  }
  return { minutes: [...minutes.values()], hours: [...hours.values()] };
}

const toDb = (r: SeedRow, i: number) => ({
  bucket: new Date(r.bucket).toISOString(),
  provider: r.provider,
  credential: r.credential,
  model_id: r.model_id,
  attempts: r.attempts,
  successes: r.successes,
  rate_limited: r.rate_limited,
  server_error: r.server_error,
  timeout: r.timeout,
  auth: r.auth,
  other: r.other,
  latency_hist: r.successes > 0 ? r.latency : null,
  ttft_hist: r.ttft.some((v) => v > 0) ? r.ttft : null,
  first_commit: i + 1,
  first_prepare: i + 1,
  last_commit: i + 1,
  last_prepare: i + 1,
});

async function bestOf5(run: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

let position = 0n;
const recorded = (type: string, data: Record<string, unknown>, atMs: number): RecordedEvent => {
  position += 1n;
  return {
    id: randomUUID(),
    type,
    version: 1,
    data,
    metadata: { correlationId: 'c', actorId: 'a' },
    occurredAt: new Date(atMs),
    streamId: `request-${String(data.requestId)}`,
    revision: 0n,
    position: { commit: position, prepare: position },
  };
};

/** A request's events as the gateway writes them: routed, then answered. */
const requestEvents = (atMs: number, i: number): RecordedEvent[] => {
  const p = PROVIDERS[i % PROVIDERS.length]!;
  const model = p.models[i % p.models.length]!;
  const base = { requestId: randomUUID(), userId: 'u1' };
  return [
    recorded(
      'RequestRouted',
      {
        ...base,
        candidates: [{ modelId: model, provider: p.slug }],
        chosenModelId: model,
        chosenProvider: p.slug,
        keySource: 'platform',
      },
      atMs,
    ),
    recorded(
      'UsageRecorded',
      {
        ...base,
        provider: p.slug,
        modelId: model,
        keySource: 'platform',
        latencyMs: 100 + (i % 900),
        timeToFirstTokenMs: 40,
        outcome: 'completed',
        attempts: 1,
      },
      atMs,
    ),
  ];
};

describeBackends('provider health with 1,000,000 requests recorded', (kind) => {
  let db: TestDatabase;
  let handlers: {
    report: GetProviderHealthReportHandler;
    detail: GetProviderHealthDetailHandler;
    models: ListModelLatencyHandler;
  };

  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      [createProviderHealthTimeline, createProviderHealthBuckets],
      'health_scale',
    );
    const { minutes, hours } = seedRows();
    for (const [table, rows] of [
      [PROVIDER_HEALTH_MINUTES_TABLE, minutes],
      [PROVIDER_HEALTH_HOURS_TABLE, hours],
    ] as const)
      for (let i = 0; i < rows.length; i += 500)
        await db.knex(table).insert(rows.slice(i, i + 500).map(toDb));
    // every provider flapped a few times over the week
    const flaps: RecordedEvent[] = [];
    for (const p of PROVIDERS)
      for (let d = 1; d <= 6; d++) {
        const at = NOW - d * DAY + d * 7 * MIN;
        flaps.push(
          recorded(
            'ProviderDegraded',
            { provider: p.slug, reason: 'test', at: new Date(at).toISOString() },
            at,
          ),
          recorded(
            'ProviderRecovered',
            { provider: p.slug, reason: 'test', at: new Date(at + 5 * MIN).toISOString() },
            at,
          ),
        );
      }
    await db.knex.transaction((trx) => providerHealthTimelineProjection.apply(trx, flaps));
    await db.knex.raw('analyze');
    const changes = new ListProviderHealthChangesHandler(db.knex);
    const queries = {
      execute: (q: unknown) => {
        if (q instanceof ListProviderHealthChangesQuery) return changes.execute(q);
        throw new Error('unexpected query');
      },
    } as unknown as QueryBus;
    const directory: ProviderHealthDirectory = { providers: () => PROVIDERS, breakerState: () => 'closed' };
    handlers = {
      report: new GetProviderHealthReportHandler(db.knex, clock, queries, directory),
      detail: new GetProviderHealthDetailHandler(db.knex, clock, queries, directory),
      models: new ListModelLatencyHandler(db.knex, clock),
    };
  }, 120_000);
  afterAll(() => db?.drop());

  it('holds a million requests', async () => {
    const [{ n }] = (await db
      .knex(PROVIDER_HEALTH_HOURS_TABLE)
      .where('model_id', ALL_MODELS)
      .sum({ n: 'attempts' })) as Array<{
      n: string | number;
    }>;
    expect(Number(n)).toBe(REQUESTS);
  });

  it('the reports count every request: 7d all of them, 24h and 1h fewer', async () => {
    const total = async (window: HealthWindow) => {
      const report = await handlers.report.execute(new GetProviderHealthReportQuery(window));
      expect(report.providers).toHaveLength(PROVIDERS.length);
      return report.providers.reduce((n, p) => n + p.requests, 0);
    };
    const [hour, day, week] = [await total('1h'), await total('24h'), await total('7d')];
    expect(week).toBe(REQUESTS);
    expect(day).toBeLessThan(week);
    expect(hour).toBeGreaterThan(0);
    expect(hour).toBeLessThan(day);
  });

  timed.each(['1h', '24h', '7d'] as const)(
    'the report for %s answers in under 100 ms',
    async (window: HealthWindow) => {
      const ms = await bestOf5(() => handlers.report.execute(new GetProviderHealthReportQuery(window)));
      console.log(`provider health report ${window} (${kind}): best of 5 ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(BUDGET_MS);
    },
  );

  timed.each(['1h', '24h', '7d'] as const)(
    'a provider’s detail for %s answers in under 100 ms',
    async (window: HealthWindow) => {
      const ms = await bestOf5(() =>
        handlers.detail.execute(new GetProviderHealthDetailQuery('gemini', window)),
      );
      console.log(`provider health detail ${window} (${kind}): best of 5 ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(BUDGET_MS);
    },
  );

  it('the catalog’s model latency (24h) has every model', async () => {
    const list = await handlers.models.execute(new ListModelLatencyQuery('24h'));
    expect(list).toHaveLength(24);
  });

  timed('the catalog’s model latency (24h) answers in under 100 ms', async () => {
    const ms = await bestOf5(() => handlers.models.execute(new ListModelLatencyQuery('24h')));
    console.log(`model latency 24h (${kind}): best of 5 ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('the projection’s cost per request (measured, printed)', async () => {
    const perRequest = async (requests: number, perBatch: number): Promise<number> => {
      const events = Array.from({ length: requests }, (_, i) => requestEvents(NOW + 10 * MIN + i, i)).flat();
      const size = perBatch * 2;
      const t = performance.now();
      for (let i = 0; i < events.length; i += size)
        await db.knex.transaction((trx) => providerHealthProjection.apply(trx, events.slice(i, i + size)));
      return (performance.now() - t) / requests;
    };
    const one = await perRequest(300, 1);
    const hundred = await perRequest(3000, 100);
    console.log(
      `provider-health projection (${kind}): ${one.toFixed(3)} ms per request one per batch, ${hundred.toFixed(3)} ms per request 100 per batch (transaction included)`,
    );
    expect(hundred).toBeLessThan(one);
  });
});
