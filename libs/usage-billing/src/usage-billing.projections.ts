import type { Projection } from '@gw/projections';
import { usageTotalsByUserProjection } from './projections/usage-totals-by-user/usage-totals-by-user.projection';
import { usageAnalyticsProjection } from './analytics/facts/usage-analytics.projection';
import { creditLedgerProjection } from './credits/ledger/credit-ledger.projection';

/** Every projection this context owns, for the projector (or the embedded gateway) to run. */
export const usageBillingProjections: readonly Projection[] = [
  usageTotalsByUserProjection,
  usageAnalyticsProjection,
  creditLedgerProjection,
];
