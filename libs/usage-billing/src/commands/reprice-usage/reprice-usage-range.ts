import { randomUUID } from 'node:crypto';
import { readState, WrongExpectedRevisionError, type EventStore } from '@gw/eventstore';
import { modelDecider, pricesFromData, toModelStreamId } from '@gw/catalog';
import { NotFoundError, type Clock, type EventMetadata, type Position } from '@gw/shared-kernel';
import { billingPolicyDecider } from '../../pricing/billing-policy.decider';
import { BILLING_POLICY_STREAM, type BillingPolicyEvent } from '../../pricing/billing-policy.events';
import type { BillingPolicy } from '../../pricing/billing-policy';
import { repriceUsage, type RecordedUsage } from '../../pricing/reprice';
import type { UsageRepriced } from '../../pricing/usage-repriced.events';

export interface RepriceRange {
  /** `provider/model`. */
  readonly modelId: string;
  /** Requests recorded at or after `from` and before `to`. */
  readonly from: Date;
  readonly to: Date;
  readonly reason: string;
  /** Count what would change, append nothing. */
  readonly dryRun?: boolean;
}

export interface RepriceOutcome {
  readonly scanned: number;
  readonly repriced: number;
  /** Requests whose stream changed meanwhile (a concurrent correction): run again to cover them. */
  readonly conflicts: number;
  readonly priceVersion: number;
  readonly deltaCostMicros: bigint;
  readonly deltaChargedMicros: bigint;
}

const PAGE = 1_000;

/** The billing policy as it was at each version (0: the defaults). */
async function policyVersions(store: EventStore): Promise<Map<number, BillingPolicy>> {
  const versions = new Map<number, BillingPolicy>();
  let state = billingPolicyDecider.initialState();
  versions.set(state.version, state.policy);
  for (const e of await store.readStream(BILLING_POLICY_STREAM)) {
    state = billingPolicyDecider.evolve(state, e as unknown as BillingPolicyEvent);
    versions.set(state.version, state.policy);
  }
  return versions;
}

/**
 * `npm run usage:reprice`: prices every request of one model recorded in [from, to) at the model's
 * current prices and appends a UsageRepriced to each request's stream whose cost or charge changes.
 * History is never rewritten. Idempotent: a request already at the current price version is left
 * alone, so a second run appends nothing; each append expects the stream's revision it read, so a
 * concurrent correction is never lost (it is counted as a conflict).
 */
export async function repriceUsageRange(
  store: EventStore,
  range: RepriceRange,
  clock: Clock,
  metadata: EventMetadata,
): Promise<RepriceOutcome> {
  const [provider, ...rest] = range.modelId.split('/');
  const model = await readState(store, toModelStreamId(provider ?? '', rest.join('/')), modelDecider);
  if (model.status !== 'added' || !model.spec)
    throw new NotFoundError('BILLING.MODEL_NOT_FOUND', `The model ${range.modelId} is not in the catalog`, {
      param: 'model',
    });
  const prices = pricesFromData(model.spec.prices);
  const priceVersion = model.priceVersion ?? 1;
  const policies = await policyVersions(store);
  let outcome = { scanned: 0, repriced: 0, conflicts: 0, deltaCost: 0n, deltaCharge: 0n };
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: PAGE, eventTypes: ['UsageRecorded'] });
    for (const event of page) {
      const recorded = event.data as RecordedUsage;
      if (recorded.modelId !== range.modelId) continue;
      if (event.occurredAt < range.from || event.occurredAt >= range.to) continue;
      outcome.scanned += 1;
      const stream = await store.readStream(event.streamId);
      const corrections = stream
        .filter((e) => e.type === 'UsageRepriced')
        .map((e) => e.data as UsageRepriced['data']);
      const correction = repriceUsage({
        recorded,
        corrections,
        prices,
        priceVersion,
        policy:
          recorded.billingPolicyVersion === undefined
            ? undefined
            : policies.get(recorded.billingPolicyVersion),
        reason: range.reason,
        at: clock.now(),
      });
      if (!correction) continue;
      if (!range.dryRun) {
        try {
          await store.append({
            streamId: event.streamId,
            expectedRevision: stream[stream.length - 1]!.revision,
            events: [{ id: randomUUID(), version: 1, metadata, occurredAt: clock.now(), ...correction }],
          });
        } catch (e) {
          if (!(e instanceof WrongExpectedRevisionError)) throw e;
          outcome = { ...outcome, conflicts: outcome.conflicts + 1 };
          continue;
        }
      }
      outcome = {
        ...outcome,
        repriced: outcome.repriced + 1,
        deltaCost: outcome.deltaCost + BigInt(correction.data.deltaCostMicros),
        deltaCharge: outcome.deltaCharge + BigInt(correction.data.deltaChargedMicros),
      };
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.position;
  }
  return {
    scanned: outcome.scanned,
    repriced: outcome.repriced,
    conflicts: outcome.conflicts,
    priceVersion,
    deltaCostMicros: outcome.deltaCost,
    deltaChargedMicros: outcome.deltaCharge,
  };
}
