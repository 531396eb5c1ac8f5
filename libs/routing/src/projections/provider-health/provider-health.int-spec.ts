import { randomUUID } from 'node:crypto';
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
import type { BreakerState } from '../../health/circuit-breaker';
import type { HealthDirectoryEntry, ProviderHealthDirectory } from '../../health/provider-health-directory';
import type { HealthWindow } from '../../health/provider-health-report';
import { GetProviderHealthDetailHandler } from '../../queries/get-provider-health-detail/get-provider-health-detail.handler';
import { GetProviderHealthDetailQuery } from '../../queries/get-provider-health-detail/get-provider-health-detail.query';
import { GetProviderHealthReportHandler } from '../../queries/get-provider-health-report/get-provider-health-report.handler';
import { GetProviderHealthReportQuery } from '../../queries/get-provider-health-report/get-provider-health-report.query';
import { ListModelLatencyHandler } from '../../queries/list-model-latency/list-model-latency.handler';
import { ListModelLatencyQuery } from '../../queries/list-model-latency/list-model-latency.query';
import { providerHealthProjection } from './provider-health.projection';

const NOW = Date.parse('2026-12-01T12:30:20Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const clock: Clock = { now: () => new Date(NOW) };

let position = 0n;
function recorded(
  type: string,
  data: Record<string, unknown>,
  atMs: number,
  streamId: string,
): RecordedEvent {
  position += 1n;
  return {
    id: randomUUID(),
    type,
    version: 1,
    data,
    metadata: { correlationId: 'c', actorId: 'a' },
    occurredAt: new Date(atMs),
    streamId,
    revision: 0n,
    position: { commit: position, prepare: position },
  };
}

/** One request's events: routed, then `hops` failed attempts, then an answer or a failure. */
function request(opts: {
  atMs: number;
  provider: string;
  model: string;
  credential?: 'platform' | 'byok';
  hops?: ReadonlyArray<{ provider: string; model: string; reason: string; status: number | null }>;
  answer?: { latencyMs: number; ttftMs: number | null };
  failed?: { reason: string; status: number };
}): RecordedEvent[] {
  const requestId = randomUUID();
  const stream = `request-${requestId}`;
  const base = { requestId, userId: 'u1' };
  const hops = opts.hops ?? [];
  const events = [
    recorded(
      'RequestRouted',
      {
        ...base,
        candidates: [...hops, { provider: opts.provider, model: opts.model }].map((c) => ({
          modelId: c.model,
          provider: c.provider,
        })),
        chosenModelId: hops[0]?.model ?? opts.model,
        chosenProvider: hops[0]?.provider ?? opts.provider,
        keySource: opts.credential ?? 'platform',
      },
      opts.atMs,
      stream,
    ),
    ...hops.map((h, i) =>
      recorded(
        'FallbackTriggered',
        {
          ...base,
          fromModelId: h.model,
          toModelId: hops[i + 1]?.model ?? opts.model,
          reason: h.reason,
          status: h.status,
          attempt: i + 1,
          fromProvider: h.provider,
          fromCredential: 'platform',
        },
        opts.atMs,
        stream,
      ),
    ),
  ];
  if (opts.answer)
    events.push(
      recorded(
        'UsageRecorded',
        {
          ...base,
          provider: opts.provider,
          modelId: opts.model,
          keySource: opts.credential ?? 'platform',
          latencyMs: opts.answer.latencyMs,
          timeToFirstTokenMs: opts.answer.ttftMs,
          outcome: 'completed',
          attempts: hops.length + 1,
        },
        opts.atMs,
        stream,
      ),
    );
  if (opts.failed)
    events.push(
      recorded(
        'RequestFailed',
        {
          ...base,
          ...opts.failed,
          attempts: hops.length + 1,
          lastProvider: opts.provider,
          lastModelId: opts.model,
          lastCredential: opts.credential ?? 'platform',
        },
        opts.atMs,
        stream,
      ),
    );
  return events;
}

const healthChange = (kind: 'degraded' | 'recovered', provider: string, atMs: number): RecordedEvent =>
  recorded(
    kind === 'degraded' ? 'ProviderDegraded' : 'ProviderRecovered',
    { provider, reason: `${kind} for the test`, at: new Date(atMs).toISOString() },
    atMs,
    `provider-${provider}`,
  );

function handlersFor(
  db: TestDatabase,
  providers: readonly HealthDirectoryEntry[],
  breakers: Record<string, BreakerState> = {},
) {
  const changes = new ListProviderHealthChangesHandler(db.knex);
  const queries = {
    execute: (q: unknown) => {
      if (q instanceof ListProviderHealthChangesQuery) return changes.execute(q);
      throw new Error('unexpected query');
    },
  } as unknown as QueryBus;
  const directory: ProviderHealthDirectory = {
    providers: () => providers,
    breakerState: (slug) => breakers[slug],
  };
  return {
    report: new GetProviderHealthReportHandler(db.knex, clock, queries, directory),
    detail: new GetProviderHealthDetailHandler(db.knex, clock, queries, directory),
    models: new ListModelLatencyHandler(db.knex, clock),
  };
}

const MIGRATIONS = [createProviderHealthTimeline, createProviderHealthBuckets];

describeBackends('provider-health projection and queries', (kind) => {
  let db: TestDatabase;
  const providers = [
    { slug: 'alpha', name: 'Alpha', enabled: true },
    { slug: 'beta', name: 'Beta', enabled: true },
    { slug: 'gamma', name: 'Gamma', enabled: false },
  ];
  // 10 minutes ago: alpha answers 20 times (100..2000 ms) and fails 4 times (a 503 hop to beta, a 429
  // hop, a timeout that failed the request, a 400 that is the caller's and counts nowhere); beta
  // answers 4 of them by fallback plus 2 byok answers. 3 hours ago: alpha answers 10 more (hour rows
  // only); 3 days ago: 5 more. alpha's circuit was open from 40 to 30 minutes ago.
  const events: RecordedEvent[] = [];
  const recent = NOW - 10 * MIN;
  for (let i = 1; i <= 20; i++)
    events.push(
      ...request({
        atMs: recent,
        provider: 'alpha',
        model: 'alpha/a1',
        answer: { latencyMs: i * 100, ttftMs: i * 10 },
      }),
    );
  const alphaHop = (reason: string, status: number) => [
    { provider: 'alpha', model: 'alpha/a1', reason, status },
  ];
  events.push(
    ...request({
      atMs: recent,
      provider: 'beta',
      model: 'beta/b1',
      hops: alphaHop('server', 503),
      answer: { latencyMs: 300, ttftMs: null },
    }),
  );
  events.push(
    ...request({
      atMs: recent,
      provider: 'beta',
      model: 'beta/b1',
      hops: alphaHop('rate_limited', 429),
      answer: { latencyMs: 300, ttftMs: null },
    }),
  );
  events.push(
    ...request({
      atMs: recent,
      provider: 'alpha',
      model: 'alpha/a1',
      failed: { reason: 'timeout', status: 504 },
    }),
  );
  events.push(
    ...request({
      atMs: recent,
      provider: 'alpha',
      model: 'alpha/a1',
      failed: { reason: 'bad_request', status: 400 },
    }),
  );
  events.push(
    ...request({
      atMs: recent,
      provider: 'beta',
      model: 'beta/b1',
      hops: alphaHop('auth', 401),
      answer: { latencyMs: 300, ttftMs: null },
    }),
  );
  events.push(
    ...request({
      atMs: recent,
      provider: 'beta',
      model: 'beta/b1',
      hops: alphaHop('connection', 503),
      answer: { latencyMs: 300, ttftMs: null },
    }),
  );
  for (let i = 0; i < 2; i++)
    events.push(
      ...request({
        atMs: recent,
        provider: 'beta',
        model: 'beta/b2',
        credential: 'byok',
        answer: { latencyMs: 900, ttftMs: 90 },
      }),
    );
  for (let i = 0; i < 10; i++)
    events.push(
      ...request({
        atMs: NOW - 3 * HOUR,
        provider: 'alpha',
        model: 'alpha/a1',
        answer: { latencyMs: 5000, ttftMs: null },
      }),
    );
  for (let i = 0; i < 5; i++)
    events.push(
      ...request({
        atMs: NOW - 3 * 24 * HOUR,
        provider: 'alpha',
        model: 'alpha/a1',
        answer: { latencyMs: 5000, ttftMs: null },
      }),
    );
  events.push(
    healthChange('degraded', 'alpha', NOW - 40 * MIN),
    healthChange('recovered', 'alpha', NOW - 30 * MIN),
  );
  events.sort((a, b) => (a.position.commit < b.position.commit ? -1 : 1));

  beforeAll(async () => {
    db = await openTestDatabase(kind, MIGRATIONS, 'provider_health');
    const apply = (batch: readonly RecordedEvent[]) =>
      db.knex.transaction(async (trx) => {
        await providerHealthProjection.apply(trx, batch);
        await providerHealthTimelineProjection.apply(trx, batch);
      });
    // uneven batches, each delivered twice (the runner delivers at least once), then the whole log again
    let i = 0;
    for (let size = 1; i < events.length; i += size, size = (size % 9) + 1) {
      await apply(events.slice(i, i + size));
      await apply(events.slice(i, i + size));
    }
    await apply(events);
  });
  afterAll(() => db?.drop());

  const report = (window: HealthWindow, breakers: Record<string, BreakerState> = {}) =>
    handlersFor(db, providers, breakers).report.execute(new GetProviderHealthReportQuery(window));

  it('counts each attempt once, at the provider that made it, by kind; the caller’s 400 nowhere', async () => {
    const r = await report('1h');
    expect(r.window).toBe('1h');
    expect(r.from).toBe(new Date(Math.floor(NOW / MIN) * MIN - 59 * MIN).toISOString());
    const alpha = r.providers.find((p) => p.provider === 'alpha')!;
    expect(alpha).toMatchObject({
      name: 'Alpha',
      enabled: true,
      requests: 25,
      successes: 20,
      successRate: 20 / 25,
      errors: { rateLimited: 1, serverError: 1, timeout: 1, auth: 1, other: 1 },
      lastChange: { kind: 'recovered', reason: 'recovered for the test' },
    });
    // 5 failures of 25 in the last 15 minutes: degraded
    expect(alpha.status).toBe('degraded');
    // p50 of 100..2000 ms is about 1000 (one bucket is at most 19 % wide)
    expect(alpha.latencyMs.p50!).toBeGreaterThan(850);
    expect(alpha.latencyMs.p50!).toBeLessThan(1200);
    expect(alpha.latencyMs.p99!).toBeGreaterThan(alpha.latencyMs.p95! - 1);
    expect(alpha.ttftMs.p50!).toBeGreaterThan(85);
    expect(alpha.ttftMs.p50!).toBeLessThan(120);
    // open from 40 to 30 minutes ago: 11 of 60 minutes touched
    expect(alpha.uptime).toBeCloseTo(49 / 60, 10);

    const beta = r.providers.find((p) => p.provider === 'beta')!;
    expect(beta).toMatchObject({ requests: 6, successes: 6, status: 'healthy', uptime: 1, lastChange: null });
    expect(beta.credentials).toEqual([
      expect.objectContaining({ credential: 'platform', requests: 4, successes: 4 }),
      expect.objectContaining({ credential: 'byok', requests: 2, successes: 2 }),
    ]);
    const gamma = r.providers.find((p) => p.provider === 'gamma')!;
    expect(gamma).toMatchObject({
      enabled: false,
      requests: 0,
      successRate: null,
      status: 'healthy',
      credentials: [],
    });
    expect(gamma.latencyMs).toEqual({ p50: null, p95: null, p99: null });
  });

  it('longer windows read the hour rows: 24h sees 3 hours ago, 7d sees 3 days ago', async () => {
    const alpha = async (w: HealthWindow) => (await report(w)).providers.find((p) => p.provider === 'alpha')!;
    expect((await alpha('24h')).requests).toBe(35);
    expect((await alpha('24h')).successes).toBe(30);
    expect((await alpha('7d')).requests).toBe(40);
  });

  it('a provider whose latest change is degraded is down; a half-open breaker is degraded', async () => {
    expect(
      (await report('1h', { beta: 'half_open' })).providers.find((p) => p.provider === 'beta')!.status,
    ).toBe('degraded');
    await db.knex.transaction((trx) =>
      providerHealthTimelineProjection.apply(trx, [healthChange('degraded', 'beta', NOW - 2 * MIN)]),
    );
    const beta = (await report('1h')).providers.find((p) => p.provider === 'beta')!;
    expect(beta.status).toBe('down');
    expect(beta.lastChange).toMatchObject({ kind: 'degraded' });
    // degraded 2 minutes 20 seconds ago: that minute, the next and the current one are down
    expect(beta.uptime).toBeCloseTo(57 / 60, 10);
  });

  it('the detail has a bucket per minute (1h) or hour (24h, 7d) with requests, failures, p95 and breaker health', async () => {
    const { detail } = handlersFor(db, providers);
    const d1 = await detail.execute(new GetProviderHealthDetailQuery('alpha', '1h'));
    expect(d1.series).toHaveLength(60);
    expect(d1.summary.requests).toBe(25);
    const point = d1.series.find((p) => p.at === new Date(Math.floor(recent / MIN) * MIN).toISOString())!;
    expect(point).toMatchObject({ requests: 25, failures: 5, healthy: true });
    expect(point.latencyP95Ms).toBeGreaterThan(1500);
    expect(d1.series.filter((p) => !p.healthy)).toHaveLength(11);
    expect(d1.series.filter((p) => p.requests > 0)).toHaveLength(1);
    const d24 = await detail.execute(new GetProviderHealthDetailQuery('alpha', '24h'));
    expect(d24.series).toHaveLength(24);
    expect(d24.series.reduce((n, p) => n + p.requests, 0)).toBe(35);
    const d7 = await detail.execute(new GetProviderHealthDetailQuery('alpha', '7d'));
    expect(d7.series).toHaveLength(168);
    expect(d7.series.reduce((n, p) => n + p.requests, 0)).toBe(40);
    await expect(detail.execute(new GetProviderHealthDetailQuery('nope', '1h'))).rejects.toMatchObject({
      code: 'CATALOG.PROVIDER_NOT_FOUND',
    });
  });

  it('model latency over 24 hours: the p50 of each model’s answers', async () => {
    const { models } = handlersFor(db, providers);
    const list = await models.execute(new ListModelLatencyQuery('24h'));
    expect(list.map((m) => m.modelId)).toEqual(['alpha/a1', 'beta/b1', 'beta/b2']);
    expect(list[0]).toMatchObject({ provider: 'alpha', answered: 30 });
    const b2 = list[2]!.latencyMs.p50!;
    expect(b2).toBeGreaterThan(760);
    expect(b2).toBeLessThanOrEqual(1077);
  });

  it('minute rows older than two hours are pruned (the hour rows keep them)', async () => {
    const minutes = await db.knex('provider_health_minutes').min<{ min: Date | string }[]>('bucket as min');
    expect(new Date(minutes[0]!.min).getTime()).toBeGreaterThanOrEqual(recent - 2 * HOUR - MIN);
    const hours = await db.knex('provider_health_hours').min<{ min: Date | string }[]>('bucket as min');
    expect(new Date(hours[0]!.min).getTime()).toBeLessThan(NOW - 2 * 24 * HOUR);
  });
});
