import type { Projection } from '@gw/projections';
import { PROVIDER_HEALTH_EVENT_TYPES_OF_REQUESTS } from './provider-health-attempt';
import { PROVIDER_HEALTH_HOURS_TABLE, PROVIDER_HEALTH_MINUTES_TABLE } from './provider-health.tables';
import { applyProviderHealth } from './provider-health.writer';

/**
 * provider_health_minutes and provider_health_hours: upstream attempts per provider, credential,
 * model and minute / hour (GET /api/v1/admin/providers/health, the catalog's latency and health).
 * One projection writes both so the two resolutions always move together with the checkpoint.
 */
export const providerHealthProjection: Projection = {
  name: 'provider-health',
  version: 1,
  tables: [PROVIDER_HEALTH_MINUTES_TABLE, PROVIDER_HEALTH_HOURS_TABLE],
  handles: PROVIDER_HEALTH_EVENT_TYPES_OF_REQUESTS,
  apply: applyProviderHealth,
};
