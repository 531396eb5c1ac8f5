import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { migration as createUsageAnalytics } from '../../../../../../migrations/20261201130000_create_usage_analytics';
import { migration as addApiKeyToUsageAnalytics } from '../../../../../../migrations/20261215130000_add_api_key_to_usage_analytics';
import { SESSION_API_KEY } from '../../facts/usage-fact.row';
import { GetUsageByKeyHandler } from './get-usage-by-key.handler';
import { GetUsageByKeyQuery } from './get-usage-by-key.query';

const REQUESTS = 100_000;
const DAY = 86_400_000;
const USER = 'by-key-user';
/** Three keys, signed-in sessions, and requests recorded before the key was (null). */
const KEYS = ['k-1', 'k-2', 'k-3', SESSION_API_KEY, null] as const;

describeBackends('usage by key with 100,000 requests', (kind) => {
  let db: TestDatabase;
  const now = new Date('2026-11-30T15:30:00Z');

  beforeAll(async () => {
    db = await openTestDatabase(kind, [createUsageAnalytics, addApiKeyToUsageAnalytics], 'usage_by_key');
    // One user's requests spread evenly over the last 31 days, keys in turn.
    const keyCase = KEYS.map((k, i) => `when ${i} then ${k === null ? 'null' : `'${k}'`}`).join(' ');
    await db.knex.raw(
      `insert into usage_facts (request_id, user_id, occurred_at, provider, model_id, power_level, key_source,
         api_key_id, outcome, attempts, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens,
         provider_cost_micros, charged_micros, latency_ms, ttft_ms, streamed, estimated, last_commit, last_prepare)
       select 'r' || g, ?, ?::timestamptz - (g * interval '1 millisecond' * ?), 'mock-a', 'a-small', 'eco',
         'platform', case g % ${KEYS.length} ${keyCase} end, 'completed', 1, 10 + g % 7, 20 + g % 5, 0, 0,
         100 + g % 13, 150 + g % 17, 100, null, false, false, g, g
       from generate_series(1, ?) g`,
      [USER, now.toISOString(), Math.floor((31 * DAY) / REQUESTS), REQUESTS],
    );
    // The daily rollup as the projection keeps it: the facts summed per day and dimension.
    await db.knex.raw(
      `insert into usage_daily_rollups (user_id, day, provider, model_id, power_level, key_source, api_key_id,
         requests, prompt_tokens, completion_tokens, provider_cost_micros, charged_micros, latency_ms_sum, latency_count)
       select user_id, (occurred_at at time zone 'UTC')::date, provider, model_id, power_level, key_source,
         coalesce(api_key_id, ''), count(*), sum(prompt_tokens), sum(completion_tokens),
         sum(provider_cost_micros), sum(charged_micros), sum(latency_ms), count(latency_ms)
       from usage_facts group by 1, 2, 3, 4, 5, 6, 7`,
    );
  });
  afterAll(() => db?.drop());

  it('answers from the rollup and the two partial days what the facts say, key by key', async () => {
    const range = { from: new Date(now.getTime() - 30 * DAY), to: now };
    const handler = new GetUsageByKeyHandler(db.knex);
    await handler.execute(new GetUsageByKeyQuery({ kind: 'user', userId: USER }, range)); // warm
    const started = performance.now();
    const result = await handler.execute(new GetUsageByKeyQuery({ kind: 'user', userId: USER }, range));
    const ms = performance.now() - started;
    console.log(`usage by key, ${REQUESTS} requests (${kind}): ${ms.toFixed(1)} ms`);

    const expected = await db.knex.raw<{ rows: Record<string, string>[] }>(
      `select coalesce(api_key_id, '') as k, count(*)::text as requests, sum(prompt_tokens)::text as prompt,
         sum(charged_micros)::text as charged
       from usage_facts where user_id = ? and occurred_at >= ? and occurred_at < ? group by 1`,
      [USER, range.from.toISOString(), range.to.toISOString()],
    );
    const byKey = new Map(expected.rows.map((r) => [r.k, r]));
    expect(result.data).toHaveLength(KEYS.length);
    for (const row of result.data) {
      const k = row.kind === 'session' ? SESSION_API_KEY : row.kind === 'unknown' ? '' : row.apiKeyId!;
      const e = byKey.get(k)!;
      expect(e).toBeDefined();
      expect([row.requests, row.promptTokens, row.chargedMicros]).toEqual([
        Number(e.requests),
        Number(e.prompt),
        e.charged,
      ]);
    }
    const total = result.data.reduce((a, r) => a + r.requests, 0);
    expect(total).toBeGreaterThan(0.9 * REQUESTS);
    expect(result.data.map((r) => r.kind).sort()).toEqual(['key', 'key', 'key', 'session', 'unknown']);
  });
});
