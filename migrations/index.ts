import type { NamedMigration } from '@gw/database';
import { migration as createEventStore } from './20261123120000_create_event_store';
import { migration as createProjectionCheckpoints } from './20261123120100_create_projection_checkpoints';
import { migration as createUsageTotalsByUser } from './20261123121000_create_usage_totals_by_user';
import { migration as createRequestExplanations } from './20261123122000_create_request_explanations';
import { migration as createProviderHealthTimeline } from './20261123123000_create_provider_health_timeline';
import { migration as createVaultSecrets } from './20261123124000_create_vault_secrets';
import { migration as createLocalCredentials } from './20261201120000_create_local_credentials';
import { migration as createAuthRefreshTokens } from './20261201120100_create_auth_refresh_tokens';
import { migration as createUsageAnalytics } from './20261201130000_create_usage_analytics';
import { migration as createCreditLedger } from './20261201140000_create_credit_ledger';
import { migration as createRelayCheckpoints } from './20261210120000_create_relay_checkpoints';
import { migration as createBillingLedger } from './20261210120100_create_billing_ledger';
import { migration as addCreditsToBillingLedger } from './20261210120200_add_credits_to_billing_ledger';
import { migration as createBudgetStore } from './20261211120000_create_budget_store';
import { migration as addSettledToCreditLedger } from './20261211130000_add_settled_to_credit_ledger';
import { migration as createAuditCheckpoints } from './20261213120000_create_audit_checkpoints';
import { migration as addSignedInAt } from './20261214120000_add_signed_in_at_to_auth_refresh_tokens';
import { migration as addApiKeyToUsageAnalytics } from './20261215130000_add_api_key_to_usage_analytics';
import { migration as createProviderHealthBuckets } from './20261216120000_create_provider_health_buckets';
import { migration as indexUsageDailyRollupsByDay } from './20261216130000_index_usage_daily_rollups_by_day';
import { migration as dropRequestExplanations } from './20261217120000_drop_request_explanations';

/**
 * Every migration, in one list. Add a file named `YYYYMMDDHHmmss_<verb>_<object>.ts` that exports
 * `migration: NamedMigration` and list it here.
 */
export const allMigrations: readonly NamedMigration[] = [
  createEventStore,
  createProjectionCheckpoints,
  createUsageTotalsByUser,
  createRequestExplanations,
  createProviderHealthTimeline,
  createVaultSecrets,
  createLocalCredentials,
  createAuthRefreshTokens,
  createUsageAnalytics,
  createCreditLedger,
  createRelayCheckpoints,
  createBillingLedger,
  addCreditsToBillingLedger,
  createBudgetStore,
  addSettledToCreditLedger,
  createAuditCheckpoints,
  addSignedInAt,
  addApiKeyToUsageAnalytics,
  createProviderHealthBuckets,
  indexUsageDailyRollupsByDay,
  dropRequestExplanations,
];
