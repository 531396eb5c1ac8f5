import type { AccessDirectory, TierPolicy } from '@gw/accounts';
import type { EventStore } from '@gw/eventstore';
import type { RateLimitPolicy } from '@gw/limits';
import type { BillingPolicyData } from '@gw/usage-billing';
import type { RecordedEvent } from '@gw/shared-kernel';

/** Who changed a policy version and when; for version 0 (the product defaults) nobody, never. */
export interface PolicyChangeView {
  readonly version: number;
  /** The actor's user id, as the event records it; null for version 0. */
  readonly changedBy: string | null;
  /** The actor's display name now; null for version 0, or when the account is gone or unknown. */
  readonly changedByName: string | null;
  /** null for version 0. */
  readonly changedAt: string | null;
}

/** What every policy change event carries besides the policy itself. */
interface PolicyChangeData {
  readonly version: number;
  readonly changedBy: string;
  readonly changedAt: string;
}

/**
 * A policy stream's versions, newest first: each event of `type` as its change (who, when) plus the
 * whole policy of that version (`policyOf`), and last version 0, the product defaults it started from
 * (so the first change can be told). Policy streams are short (one event per admin change).
 */
export async function readPolicyHistory<D extends PolicyChangeData, P extends object>(
  store: EventStore,
  directory: AccessDirectory,
  streamId: string,
  type: string,
  policyOf: (data: D) => P,
  defaults: P,
): Promise<Array<PolicyChangeView & P>> {
  const events: RecordedEvent[] = await store.readStream(streamId);
  const changes = events
    .filter((e) => e.type === type)
    .map((e) => {
      const data = e.data as D;
      const actor = directory.account(data.changedBy);
      return {
        version: data.version,
        changedBy: data.changedBy,
        changedByName: actor?.name ?? null,
        changedAt: data.changedAt,
        ...policyOf(data),
      };
    })
    .sort((a, b) => b.version - a.version);
  return [...changes, { version: 0, changedBy: null, changedByName: null, changedAt: null, ...defaults }];
}

/** One version of the tier policy (GET /api/v1/admin/tiers/history). */
export interface TierPolicyVersionView extends PolicyChangeView {
  readonly tiers: TierPolicy;
}

/** GET /api/v1/admin/tiers/history: newest first, version 0 (the defaults) last. */
export interface TierPolicyHistory {
  readonly versions: readonly TierPolicyVersionView[];
}

/** One version of the rate limits (GET /api/v1/admin/limits/history); null = unlimited. */
export interface RateLimitsVersionView extends PolicyChangeView {
  readonly tiers: RateLimitPolicy;
}

/** GET /api/v1/admin/limits/history: newest first, version 0 (the defaults) last. */
export interface RateLimitsHistory {
  readonly versions: readonly RateLimitsVersionView[];
}

/** One version of the billing policy (GET /api/v1/admin/billing/policy/history). */
export type BillingPolicyVersionView = PolicyChangeView & BillingPolicyData;

/** GET /api/v1/admin/billing/policy/history: newest first, version 0 (the defaults) last. */
export interface BillingPolicyHistory {
  readonly versions: readonly BillingPolicyVersionView[];
}
