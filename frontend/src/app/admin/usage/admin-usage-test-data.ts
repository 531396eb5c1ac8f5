import type { UsageSummary } from '../../portal/usage/usage-api';
import { summaryOf, totals } from '../../portal/usage/usage-test-data';
import type { UsageByUserRow, UsageByUserView } from './admin-usage-api';

/** Answers of the admin usage queries, for the specs (shapes as the gateway sends them). */
export const adminSummaryOf = (
  requests: number,
  chargedMicros: string,
  costMicros: string,
): UsageSummary => ({
  ...summaryOf(requests, chargedMicros),
  userId: null,
  providerCostMicros: costMicros,
});

export const spender = (
  userId: string,
  name: string | null,
  chargedMicros: string,
  costMicros: string,
): UsageByUserRow => {
  const margin = BigInt(chargedMicros) - BigInt(costMicros);
  return {
    ...totals(3, chargedMicros),
    userId,
    name,
    username: name ? name.toLowerCase() : null,
    email: null,
    deleted: name === null,
    providerCostMicros: costMicros,
    marginMicros: margin.toString(),
    marginRate: chargedMicros === '0' ? null : Number((margin * 1_000_000n) / BigInt(chargedMicros)) / 1e6,
    shareOfRequests: 0.5,
    shareOfCharge: 0.5,
  };
};

export const byUserOf = (rows: readonly UsageByUserRow[], totalUsers = rows.length): UsageByUserView => ({
  from: '2026-11-30T00:00:00.000Z',
  to: '2026-12-07T00:00:00.000Z',
  totalUsers,
  data: [...rows],
});
