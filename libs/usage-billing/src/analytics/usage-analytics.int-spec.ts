import { randomUUID } from 'node:crypto';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import type { RecordedEvent } from '@gw/shared-kernel';
import { migration as createUsageAnalytics } from '../../../../migrations/20261201130000_create_usage_analytics';
import { migration as addApiKeyToUsageAnalytics } from '../../../../migrations/20261215130000_add_api_key_to_usage_analytics';
import { usageAnalyticsProjection } from './facts/usage-analytics.projection';
import { ALL_USERS } from './facts/usage-rollup.delta';
import { ExportUsageHandler } from './queries/export-usage/export-usage.handler';
import { ExportUsageQuery } from './queries/export-usage/export-usage.query';
import { GetUsageBreakdownHandler } from './queries/get-usage-breakdown/get-usage-breakdown.handler';
import { GetUsageBreakdownQuery } from './queries/get-usage-breakdown/get-usage-breakdown.query';
import { GetUsageSummaryHandler } from './queries/get-usage-summary/get-usage-summary.handler';
import { GetUsageSummaryQuery } from './queries/get-usage-summary/get-usage-summary.query';
import { GetUsageTimeseriesHandler } from './queries/get-usage-timeseries/get-usage-timeseries.handler';
import { GetUsageTimeseriesQuery } from './queries/get-usage-timeseries/get-usage-timeseries.query';
import { ListUsageRequestsHandler } from './queries/list-usage-requests/list-usage-requests.handler';
import { ListUsageRequestsQuery } from './queries/list-usage-requests/list-usage-requests.query';
import type { UsageRange, UsageScope } from './queries/usage-range';
import type { UsageRequestView } from './queries/usage-request.view';

/** A deterministic generator, so a failure reproduces. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

interface Sent {
  requestId: string;
  userId: string;
  at: Date;
  provider: string;
  model: string;
  powerLevel: string;
  keySource: 'byok' | 'platform';
  failed: boolean;
  attempts: number;
  prompt: number;
  completion: number;
  cost: bigint;
  charge: bigint;
  latency: number;
  ttft: number | null;
}

const USERS = ['user-a', 'user-b', 'user-c'];
const START = Date.parse('2026-11-01T00:00:00Z');

function generate(n: number): { sent: Sent[]; events: RecordedEvent[] } {
  const rnd = lcg(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sent: Sent[] = [];
  const events: RecordedEvent[] = [];
  let position = 0n;
  for (let i = 0; i < n; i++) {
    const provider = pick(['mock-a', 'mock-b']);
    const s: Sent = {
      requestId: randomUUID(),
      userId: pick(USERS),
      at: new Date(START + Math.floor(rnd() * 4 * 86_400_000)),
      provider,
      model: `${provider}-${pick(['small', 'large'])}`,
      powerLevel: pick(['eco', 'balanced', 'precision']),
      keySource: rnd() < 0.3 ? 'byok' : 'platform',
      failed: rnd() < 0.1,
      attempts: rnd() < 0.2 ? 2 : 1,
      prompt: 1 + Math.floor(rnd() * 500),
      completion: Math.floor(rnd() * 500),
      cost: BigInt(Math.floor(rnd() * 100_000)),
      charge: BigInt(Math.floor(rnd() * 200_000)) + 9_007_199_254_740_000n,
      latency: 10 + Math.floor(rnd() * 900_000) / 1000,
      ttft: rnd() < 0.5 ? Math.floor(rnd() * 100) : null,
    };
    sent.push(s);
    const event = (type: string, data: Record<string, unknown>): RecordedEvent => {
      position += 1n;
      return {
        id: randomUUID(),
        type,
        version: 1,
        data: { requestId: s.requestId, userId: s.userId, ...data },
        metadata: { correlationId: s.requestId, actorId: s.userId },
        occurredAt: s.at,
        streamId: `request-${s.requestId}`,
        revision: 0n,
        position: { commit: position, prepare: position },
      };
    };
    events.push(
      event('RequestRouted', {
        chosenProvider: s.provider,
        chosenModelId: s.model,
        powerLevel: s.powerLevel,
        keySource: s.keySource,
        streamed: false,
      }),
    );
    if (s.failed) {
      s.provider = s.provider === 'mock-a' ? 'mock-b' : 'mock-a';
      events.push(
        event('RequestFailed', {
          reason: 'boom',
          status: 502,
          attempts: s.attempts,
          lastProvider: s.provider,
        }),
      );
    } else
      events.push(
        event('UsageRecorded', {
          provider: s.provider,
          modelId: s.model,
          powerLevel: s.powerLevel,
          keySource: s.keySource,
          promptTokens: s.prompt,
          completionTokens: s.completion,
          cachedTokens: 0,
          estimated: false,
          providerCostMicros: s.cost.toString(),
          chargedMicros: s.charge.toString(),
          latencyMs: s.latency,
          timeToFirstTokenMs: s.ttft,
          streamed: false,
          finishReason: 'stop',
          outcome: 'completed',
          attempts: s.attempts,
        }),
      );
  }
  return { sent, events };
}

const inScope = (s: Sent, scope: UsageScope, range: UsageRange): boolean =>
  (scope.kind === 'all' || s.userId === scope.userId) && s.at >= range.from && s.at < range.to;

function expected(sent: Sent[]) {
  const ok = sent.filter((s) => !s.failed);
  return {
    requests: sent.length,
    failedRequests: sent.length - ok.length,
    fallbackRequests: sent.filter((s) => s.attempts > 1).length,
    promptTokens: ok.reduce((a, s) => a + s.prompt, 0),
    completionTokens: ok.reduce((a, s) => a + s.completion, 0),
    providerCostMicros: ok.reduce((a, s) => a + s.cost, 0n).toString(),
    chargedMicros: ok.reduce((a, s) => a + s.charge, 0n).toString(),
  };
}

describeBackends('usage analytics projection and queries', (kind) => {
  let db: TestDatabase;
  const { sent, events } = generate(400);

  beforeAll(async () => {
    db = await openTestDatabase(kind, [createUsageAnalytics, addApiKeyToUsageAnalytics], 'usage_analytics');
    // Uneven batches, each redelivered in part with the next (the runner delivers at least once).
    const rnd = lcg(7);
    let i = 0;
    while (i < events.length) {
      const size = 1 + Math.floor(rnd() * 60);
      const back = Math.floor(rnd() * Math.min(i, 10));
      const batch = events.slice(i - back, i + size);
      await db.knex.transaction((trx) => usageAnalyticsProjection.apply(trx, batch));
      i += size;
    }
    // And the whole log once more.
    await db.knex.transaction((trx) => usageAnalyticsProjection.apply(trx, events));
  });
  afterAll(() => db?.drop());

  it('holds one fact per request and rollups equal to the facts summed again', async () => {
    const facts = await db.knex('usage_facts').count<{ count: string | number }[]>('* as count');
    expect(Number(facts[0]!.count)).toBe(sent.length);
    const recomputed = await db.knex.raw<{ rows: Record<string, string>[] }>(`
      select user_id, day::text, provider, model_id, power_level, key_source,
             count(*)::text requests, sum(charged_micros)::text charged, sum(prompt_tokens)::text prompt
      from (select user_id, (occurred_at at time zone 'UTC')::date as day, provider, model_id, power_level, key_source,
                   charged_micros, prompt_tokens from usage_facts
            union all
            select '*', (occurred_at at time zone 'UTC')::date, provider, model_id, power_level, key_source,
                   charged_micros, prompt_tokens from usage_facts) f
      group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`);
    const rollups = await db.knex.raw<{ rows: Record<string, string>[] }>(`
      select user_id, day::text, provider, model_id, power_level, key_source,
             requests::text requests, charged_micros::text charged, prompt_tokens::text prompt
      from usage_daily_rollups order by 1, 2, 3, 4, 5, 6`);
    expect(rollups.rows).toEqual(recomputed.rows);
    const hourly = await db.knex.raw<{ rows: { requests: string }[] }>(
      `select sum(requests)::text requests from usage_hourly_rollups where user_id = ?`,
      [ALL_USERS],
    );
    expect(hourly.rows[0]!.requests).toBe(String(sent.length));
  });

  const ranges: Record<string, UsageRange> = {
    'whole days': { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-04T00:00:00Z') },
    'partial days': { from: new Date('2026-11-01T07:13:00Z'), to: new Date('2026-11-03T17:45:30Z') },
    'within one hour': { from: new Date('2026-11-02T10:05:00Z'), to: new Date('2026-11-02T10:55:00Z') },
  };
  const scopes: Record<string, UsageScope> = {
    'one user': { kind: 'user', userId: 'user-b' },
    'all users': { kind: 'all' },
  };

  describe.each(Object.entries(scopes))('%s', (_s, scope) => {
    it.each(Object.entries(ranges))('summary over %s is exact', async (_r, range) => {
      const mine = sent.filter((s) => inScope(s, scope, range));
      const summary = await new GetUsageSummaryHandler(db.knex).execute(
        new GetUsageSummaryQuery(scope, range),
      );
      expect(summary).toMatchObject(expected(mine));
      expect(summary.byok.requests).toBe(mine.filter((s) => s.keySource === 'byok').length);
      expect(summary.byok.shareOfRequests + summary.platform.shareOfRequests).toBeCloseTo(1, 5);
      const ok = mine.filter((s) => !s.failed);
      expect(summary.avgLatencyMs).toBeCloseTo(ok.reduce((a, s) => a + s.latency, 0) / ok.length, 0);
    });

    it.each(Object.entries(ranges))('by model and hourly timeseries over %s add up', async (_r, range) => {
      const mine = sent.filter((s) => inScope(s, scope, range));
      const byModel = await new GetUsageBreakdownHandler(db.knex).execute(
        new GetUsageBreakdownQuery(scope, range, 'model'),
      );
      for (const item of byModel.data)
        expect(item).toMatchObject(
          expected(mine.filter((s) => s.provider === item.provider && s.model === item.model)),
        );
      expect(byModel.data.reduce((a, i) => a + i.requests, 0)).toBe(mine.length);
      const hours = await new GetUsageTimeseriesHandler(db.knex).execute(
        new GetUsageTimeseriesQuery(scope, range, 'hour'),
      );
      for (const b of hours.data)
        expect(b).toMatchObject(
          expected(mine.filter((s) => s.at.toISOString().slice(0, 13) === b.bucket.slice(0, 13))),
        );
      expect(hours.data.reduce((a, i) => a + i.requests, 0)).toBe(mine.length);
      const days = await new GetUsageTimeseriesHandler(db.knex).execute(
        new GetUsageTimeseriesQuery(scope, range, 'day'),
      );
      for (const b of days.data)
        expect(b).toMatchObject(expected(mine.filter((s) => s.at.toISOString().startsWith(b.bucket))));
    });

    it('pages newest first without gaps or duplicates, and exports the same requests', async () => {
      const range = ranges['partial days']!;
      const mine = sent.filter((s) => inScope(s, scope, range));
      const seen: UsageRequestView[] = [];
      let cursor: string | null = null;
      do {
        const page = await new ListUsageRequestsHandler(db.knex).execute(
          new ListUsageRequestsQuery(scope, range, 17, cursor),
        );
        expect(page.data.length).toBeLessThanOrEqual(17);
        seen.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((r) => r.requestId).sort()).toEqual(mine.map((s) => s.requestId).sort());
      const times = seen.map((r) => r.occurredAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect(seen[0]!.explanationUrl).toBe(`/api/v1/requests/${seen[0]!.requestId}`);
      const exported: string[] = [];
      const { rows } = await new ExportUsageHandler(db.knex).execute(new ExportUsageQuery(scope, range));
      for await (const r of rows) exported.push(r.requestId);
      expect(exported).toEqual(seen.map((r) => r.requestId).reverse());
    });
  });
});
