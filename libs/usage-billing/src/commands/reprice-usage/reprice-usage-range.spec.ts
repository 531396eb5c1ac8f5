import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '@gw/eventstore';
import type { ModelSpecData } from '@gw/catalog';
import { billingPolicyToData } from '../../pricing/billing-policy.decider';
import { DEFAULT_BILLING_POLICY } from '../../pricing/billing-policy';
import type { UsageRepriced } from '../../pricing/usage-repriced.events';
import { repriceUsageRange } from './reprice-usage-range';

const metadata = { correlationId: 'c', actorId: 'admin', actorKind: 'admin' as const };
const clock = { now: () => new Date('2026-12-05T00:00:00.000Z') };
const spec = (input: string, output: string): ModelSpecData => ({
  provider: 'acme',
  model: 'm1',
  displayName: 'M1',
  prices: { inputPerMillion: input, outputPerMillion: output, cachedInputPerMillion: input },
  contextWindow: 100_000,
  maxOutputTokens: 1_000,
  capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
  quality: 0.5,
  typicalLatencyMs: 500,
  powerLevels: ['eco', 'balanced', 'precision'],
  minTier: 'free',
});
const event = (type: string, data: unknown, occurredAt = clock.now()) => ({
  id: randomUUID(),
  type,
  version: 1,
  data,
  metadata,
  occurredAt,
});

/**
 * acme/m1 priced $1 in / $1 out (version 1), then fixed to $2 / $4 (version 2). Three requests of it
 * at version 1 in November (one BYOK, one from before the billing policy), one in December, one of
 * another model.
 */
async function store(): Promise<InMemoryEventStore> {
  const s = new InMemoryEventStore();
  await s.append({
    streamId: 'model-acme.m1',
    events: [
      event('ModelAdded', {
        ...spec('1000000', '1000000'),
        enabled: true,
        seeded: false,
        addedBy: 'a',
        addedAt: 'x',
      }),
      event('ModelUpdated', {
        provider: 'acme',
        model: 'm1',
        changes: { prices: spec('2000000', '4000000').prices },
        updatedBy: 'a',
        updatedAt: 'x',
      }),
    ],
  });
  await s.append({
    streamId: 'billing-policy',
    events: [
      event('BillingPolicyChanged', {
        version: 1,
        policy: { ...billingPolicyToData(DEFAULT_BILLING_POLICY), byokFeeBps: 2_000 },
        changedBy: 'a',
        changedAt: 'x',
      }),
    ],
  });
  const usage = (id: string, over: Record<string, unknown>, at: string) =>
    s.append({
      streamId: `request-${id}`,
      events: [
        event(
          'UsageRecorded',
          {
            requestId: id,
            userId: 'u1',
            provider: 'acme',
            modelId: 'acme/m1',
            powerLevel: 'balanced',
            keySource: 'platform',
            promptTokens: 1_000,
            completionTokens: 500,
            cachedTokens: 0,
            providerCostMicros: '1500',
            chargedMicros: '600', // 1500 × 0.25 × 1.6
            tier: 'professional',
            priceVersion: 1,
            billingPolicyVersion: 0,
            ...over,
          },
          new Date(at),
        ),
      ],
    });
  await usage('r1', {}, '2026-11-10T00:00:00.000Z');
  await usage(
    'r2',
    { keySource: 'byok', chargedMicros: '300', billingPolicyVersion: 1 },
    '2026-11-11T00:00:00.000Z',
  );
  await usage(
    'r3',
    { chargedMicros: '1500', tier: undefined, priceVersion: undefined, billingPolicyVersion: undefined },
    '2026-11-12T00:00:00.000Z',
  );
  await usage('r4', {}, '2026-12-02T00:00:00.000Z');
  await usage('r5', { modelId: 'acme/other' }, '2026-11-10T00:00:00.000Z');
  return s;
}

const november = {
  modelId: 'acme/m1',
  from: new Date('2026-11-01T00:00:00.000Z'),
  to: new Date('2026-12-01T00:00:00.000Z'),
  reason: 'input price was a tenth of the list price',
};
const corrections = async (s: InMemoryEventStore, id: string) =>
  (await s.readStream(`request-${id}`))
    .filter((e) => e.type === 'UsageRepriced')
    .map((e) => e.data as UsageRepriced['data']);

describe('repriceUsageRange (npm run usage:reprice)', () => {
  it('appends a correction to each request of the model in the range, charged by the policy it was charged under', async () => {
    const s = await store();
    const outcome = await repriceUsageRange(s, november, clock, metadata);

    // New cost: 1,000 × $2/M + 500 × $4/M = 4,000 µ$.
    expect(await corrections(s, 'r1')).toEqual([
      {
        requestId: 'r1',
        userId: 'u1',
        modelId: 'acme/m1',
        priceVersion: 2,
        previousPriceVersion: 1,
        providerCostMicros: '4000',
        chargedMicros: '1600', // × 0.25 × 1.6 (policy version 0)
        previousProviderCostMicros: '1500',
        previousChargedMicros: '600',
        deltaCostMicros: '2500',
        deltaChargedMicros: '1000',
        reason: november.reason,
        repricedAt: clock.now().toISOString(),
      },
    ]);
    expect((await corrections(s, 'r2'))[0]).toMatchObject({ chargedMicros: '800' }); // BYOK fee 20 % (v1)
    expect((await corrections(s, 'r3'))[0]).toMatchObject({ chargedMicros: '4000' }); // before billing: at cost
    expect(await corrections(s, 'r4')).toEqual([]); // December
    expect(await corrections(s, 'r5')).toEqual([]); // another model
    expect(outcome).toEqual({
      scanned: 3,
      repriced: 3,
      conflicts: 0,
      priceVersion: 2,
      deltaCostMicros: 7_500n,
      deltaChargedMicros: 1_000n + 500n + 2_500n,
    });
    // The recorded usage is untouched: history is never rewritten.
    expect((await s.readStream('request-r1'))[0]!.data).toMatchObject({ providerCostMicros: '1500' });
  });

  it('is idempotent: a second run appends nothing', async () => {
    const s = await store();
    await repriceUsageRange(s, november, clock, metadata);
    const again = await repriceUsageRange(s, november, clock, metadata);
    expect(again).toMatchObject({ scanned: 3, repriced: 0 });
    expect(await corrections(s, 'r1')).toHaveLength(1);
  });

  it('a dry run counts and appends nothing', async () => {
    const s = await store();
    expect(await repriceUsageRange(s, { ...november, dryRun: true }, clock, metadata)).toMatchObject({
      repriced: 3,
      deltaCostMicros: 7_500n,
    });
    expect(await corrections(s, 'r1')).toEqual([]);
  });

  it('refuses a model that is not in the catalog', async () => {
    await expect(
      repriceUsageRange(await store(), { ...november, modelId: 'acme/none' }, clock, metadata),
    ).rejects.toMatchObject({
      code: 'BILLING.MODEL_NOT_FOUND',
    });
  });
});
