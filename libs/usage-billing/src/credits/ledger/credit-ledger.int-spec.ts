import { randomUUID } from 'node:crypto';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import type { RecordedEvent } from '@gw/shared-kernel';
import { migration as createUsageAnalytics } from '../../../../../migrations/20261201130000_create_usage_analytics';
import { migration as addApiKeyToUsageAnalytics } from '../../../../../migrations/20261215130000_add_api_key_to_usage_analytics';
import { migration as createCreditLedger } from '../../../../../migrations/20261201140000_create_credit_ledger';
import { migration as addSettled } from '../../../../../migrations/20261211130000_add_settled_to_credit_ledger';
import { usageAnalyticsProjection } from '../../analytics/facts/usage-analytics.projection';
import { creditLedgerProjection } from './credit-ledger.projection';
import { readCreditLedger, readCreditTotals } from './credit-ledger.queries';

let position = 0n;
const event = (type: string, data: Record<string, unknown>, at: string): RecordedEvent => {
  position += 1n;
  return {
    id: randomUUID(),
    type,
    version: 1,
    data,
    metadata: { correlationId: 'c', actorId: 'a' },
    occurredAt: new Date(at),
    streamId: `s-${position}`,
    revision: 0n,
    position: { commit: position, prepare: position },
  };
};
const usage = (userId: string, requestId: string, charged: string, at: string) =>
  event(
    'UsageRecorded',
    {
      requestId,
      userId,
      provider: 'p',
      modelId: 'p/m',
      powerLevel: 'eco',
      keySource: 'platform',
      promptTokens: 1,
      completionTokens: 1,
      cachedTokens: 0,
      estimated: false,
      providerCostMicros: charged,
      chargedMicros: charged,
      latencyMs: 1.5,
      timeToFirstTokenMs: null,
      streamed: false,
      finishReason: 'stop',
      outcome: 'completed',
      attempts: 1,
    },
    at,
  );

describeBackends('credit ledger projection', (kind) => {
  let db: TestDatabase;
  const user = `u-${randomUUID()}`;
  const events = [
    event(
      'CreditsGranted',
      {
        userId: user,
        grantId: 'g1',
        kind: 'admin',
        amountMicros: '5000000',
        reason: 'welcome',
        grantedBy: 'a',
        grantedAt: 'x',
      },
      '2026-11-30T10:00:00Z',
    ),
    usage(user, 'r1', '1000', '2026-11-30T23:59:59Z'),
    usage(user, 'r2', '250', '2026-12-01T00:00:00Z'),
    usage(user, 'r3', '0', '2026-12-01T00:00:01Z'),
    event(
      'UsageRepriced',
      {
        requestId: 'r2',
        userId: user,
        modelId: 'p/m',
        providerCostMicros: '400',
        chargedMicros: '400',
        deltaChargedMicros: '150',
      },
      '2026-12-02T00:00:00Z',
    ),
  ];
  const apply = (batch: readonly RecordedEvent[]) =>
    db.knex.transaction(async (trx) => {
      await usageAnalyticsProjection.apply(trx, batch);
      await creditLedgerProjection.apply(trx, batch);
    });

  beforeAll(async () => {
    db = await openTestDatabase(
      kind,
      [createUsageAnalytics, addApiKeyToUsageAnalytics, createCreditLedger, addSettled],
      'credit_ledger',
    );
    // Overlapping batches and a whole redelivery: the runner delivers at least once.
    await apply(events.slice(0, 3));
    await apply(events.slice(1, 5));
    await apply(events);
  });
  afterAll(() => db?.drop());

  it('counts each grant and charge once, with corrections, per UTC month', async () => {
    expect(await readCreditTotals(db.knex, user, '2026-11')).toEqual({
      grantedMicros: 5_000_000n,
      chargedMicros: 1_400n,
      monthSpendMicros: 1_000n,
    });
    expect((await readCreditTotals(db.knex, user, '2026-12')).monthSpendMicros).toBe(400n); // 250 + 150
    expect(await readCreditTotals(db.knex, 'nobody', '2026-12')).toEqual({
      grantedMicros: 0n,
      chargedMicros: 0n,
      monthSpendMicros: 0n,
    });
  });

  it('lists grants and charges as they stand, newest first, page by page without gaps or repeats', async () => {
    const all = await readCreditLedger(db.knex, user, { limit: 10 });
    expect(all.entries.map((e) => [e.kind, e.reference, e.amountMicros])).toEqual([
      ['charge', 'r2', -400n],
      ['charge', 'r1', -1000n],
      ['admin', 'g1', 5_000_000n],
    ]);
    expect(all.nextCursor).toBeNull();
    const seen: string[] = [];
    let before: { at: Date; entryId: string } | undefined;
    for (;;) {
      const page = await readCreditLedger(db.knex, user, { before, limit: 1 });
      seen.push(...page.entries.map((e) => e.reference));
      if (!page.nextCursor) break;
      const last = page.entries[page.entries.length - 1]!;
      before = { at: last.at, entryId: last.entryId };
    }
    expect(seen).toEqual(['r2', 'r1', 'g1']);
  });
});
