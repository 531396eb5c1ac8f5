/**
 * Every type the API answers with, by the name its schema has in the OpenAPI document
 * (`#/components/schemas/<name>`). `npm run api:client` turns these TypeScript types into
 * openapi-response-schemas.json (scripts/openapi-responses.mjs), so the document's response schemas
 * are the types the controllers return and cannot drift from them; `npm run lint` fails when that
 * file is stale. A controller names its answer with `@ApiView('<name>')` (openapi-views.ts).
 *
 * Types only: nothing here runs. Keep each answer a named, exported type where it is made.
 */

// auth
export type { AccessTokenView, AuthConfigView } from '../auth/auth.controller';

// the caller: profile, settings, gateway keys
export type { GatewayKeyList, IssuedKeyView, MeView, SettingsView } from '../accounts/accounts.views';

// the caller's provider keys (BYOK) and their history
export type { KeyCheckView, KeyList, KeyProvidersView, KeyTestView, KeyView } from '../keys/my-keys';
export type { AuditStreamView } from '../audit/audit-stream';

// credits
export type { CheckoutView, CreditsView, LedgerPage } from '../billing/credits.controller';
export type { CreditPackagesView } from '../billing/credit-packages.controller';

// settings: the cost of a typical request at each power level
export type { SettingsEstimateView } from '../settings-estimate/settings-estimate.views';

// the catalog as users see it
export type { CatalogModelsView } from '../catalog/catalog-models.views';

// usage and the routing explanation
export type {
  MyUsage,
  UsageBreakdown,
  UsageRequestsPage,
  UsageSummary,
  UsageTimeseries,
} from '@gw/usage-billing';
export type { UsageByKeyView, UsageForecastView } from '../usage-analytics/usage-portal.views';
export type { UsageByUserView } from '../usage-analytics/admin-usage.views';
export type { RequestExplanation } from '@gw/routing';

// the OpenAI-compatible surface
export type { ModelList } from '../chat/chat.controller';

// admin
export type {
  AdminIssuedKeyView,
  CreatedUserView,
  TierPolicyView,
  UserList,
  UserView,
} from '../accounts/accounts.views';
export type {
  BillingPolicyHistory,
  RateLimitsHistory,
  TierPolicyHistory,
} from '../admin-policies/policy-history';
export type { AuditStreamList } from '../audit/audit.controller';
export type { AdminOverview } from '../overview/admin-overview';
export type { BillingPolicyView } from '../billing/billing-policy.controller';
export type { CreditGrantView } from '../billing/credits.controller';
export type { ModelView, ProviderView } from '../catalog/catalog.views';
export type { ModelViewList } from '../catalog/models.controller';
export type { ModelPriceVersionList } from '../catalog/models.controller';
export type { ProviderHealthReportView, ProviderHealthView } from '../catalog/provider-health.controller';
export type { ProviderViewList } from '../catalog/providers.controller';
export type { RateLimitsView } from '../limits/rate-limits.controller';
export type { RoutingPolicyView } from '../routing/routing-policy.dto';
export type { RoutingPreviewView, RoutingPolicyVersionView } from '../routing/routing-preview.views';
export type { MyWhatIfView, WhatIfJobView } from '../routing/what-if/what-if.views';
export type { ConnectionTest } from '../runtime/provider-prober';
export type { RewrapOutcome } from '../vault/rotating-key-vault';
