import type { Projection } from '@gw/projections';
import { USAGE_FACT_EVENT_TYPES } from './usage-fact.row';
import { USAGE_DAILY_TABLE, USAGE_FACTS_TABLE, USAGE_HOURLY_TABLE } from './usage-analytics.tables';
import { applyUsageAnalytics } from './usage-analytics.writer';

/**
 * usage_facts (one row per request) and the daily and hourly rollups derived from it. One projection
 * writes all three so a fact and the rollups that count it always move in one transaction with the
 * checkpoint (the rollups are a materialized aggregate of the facts, not a second read model).
 */
export const usageAnalyticsProjection: Projection = {
  name: 'usage-analytics',
  version: 1,
  tables: [USAGE_FACTS_TABLE, USAGE_DAILY_TABLE, USAGE_HOURLY_TABLE],
  handles: USAGE_FACT_EVENT_TYPES,
  apply: applyUsageAnalytics,
};
