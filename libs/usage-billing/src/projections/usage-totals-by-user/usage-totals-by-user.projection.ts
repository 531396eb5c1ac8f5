import type { Projection } from '@gw/projections';
import { USAGE_TOTALS_EVENT_TYPES } from './usage-totals-by-user.row';
import { USAGE_TOTALS_TABLE } from './usage-totals-by-user.table';
import { applyUsageTotals } from './usage-totals-by-user.writer';

/** usage_totals_by_user: lifetime totals per user, for GET /api/v1/me/usage. */
export const usageTotalsByUserProjection: Projection = {
  name: 'usage-totals-by-user',
  version: 1,
  tables: [USAGE_TOTALS_TABLE],
  handles: USAGE_TOTALS_EVENT_TYPES,
  apply: applyUsageTotals,
};
