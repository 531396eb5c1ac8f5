import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { AccessDirectory, AccountsModule } from '@gw/accounts';
import { CatalogModule } from '@gw/catalog';
import { KeysModule } from '@gw/keys';
import { LimitsModule, RateLimits } from '@gw/limits';
import { KNEX } from '@gw/database';
import { EVENT_STORE } from '@gw/eventstore';
import { KEY_VAULT } from '@gw/key-vault';
import { CLOCK } from '@gw/shared-kernel';
import { PROVIDER_HEALTH_DIRECTORY, RoutingModule } from '@gw/routing';
import { UsageAnalyticsModule, UsageBillingModule } from '@gw/usage-billing';
import { AccountService } from './accounts/account-service';
import { AdminUsersController } from './accounts/admin-users.controller';
import { MeController } from './accounts/me.controller';
import { TierPolicyController } from './accounts/tier-policy.controller';
import { BillingPolicyController } from './billing/billing-policy.controller';
import { AdminCreditsController, MyCreditsController } from './billing/credits.controller';
import { CreditPackagesController } from './billing/credit-packages.controller';
import { billingProviders } from './billing/billing.providers';
import { PaymentWebhookController } from './billing/payment-webhook.controller';
import { AdminGuard } from './auth/admin.guard';
import { AuditController } from './audit/audit.controller';
import { AdminOverviewController } from './overview/admin-overview.controller';
import { MyKeyHistoryController } from './audit/my-key-history.controller';
import { VaultController } from './vault/vault.controller';
import { AuditorGuard } from './auth/auditor.guard';
import { GatewayKeyGuard } from './auth/gateway-key.guard';
import { AuthController } from './auth/auth.controller';
import { identityProviders } from './auth/identity.providers';
import { CatalogAdmin } from './catalog/catalog-admin';
import { ModelsController } from './catalog/models.controller';
import { CatalogModelsController } from './catalog/catalog-models.controller';
import { SettingsEstimateController } from './settings-estimate/settings-estimate.controller';
import { MeUsageForecastController } from './usage-analytics/usage-forecast.controller';
import { MeUsageByKeyController } from './usage-analytics/usage-by-key.controller';
import { ProviderHealthController } from './catalog/provider-health.controller';
import { providerHealthDirectory } from './catalog/provider-health-directory';
import { ProviderHealthCache } from './catalog/provider-health-cache';
import { ProvidersController } from './catalog/providers.controller';
import { ChatContext } from './chat/chat-context';
import { ChatController } from './chat/chat.controller';
import { ChatService } from './chat/chat.service';
import { HealthController } from './health/health.controller';
import { KeysController } from './keys/keys.controller';
import { MyKeys } from './keys/my-keys';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { RateLimitGate } from './limits/rate-limit-gate';
import { BudgetGate } from './billing/budget-gate';
import { IdempotencyGate } from './chat/idempotency-gate';
import { RateLimitsController } from './limits/rate-limits.controller';
import { CatalogState } from './runtime/catalog-state';
import { KeysState } from './runtime/keys-state';
import type { GatewayRuntime } from './runtime/gateway-runtime';
import { ProviderProber } from './runtime/provider-prober';
import { AUDIT_VERIFICATION, GATEWAY_CONFIG, LOGGER } from './runtime/runtime.tokens';
import { RequestsController } from './routing/requests.controller';
import { RoutingPolicyController } from './routing/routing-policy.controller';
import { RoutingPreviewController } from './routing/routing-preview.controller';
import { WhatIfController } from './routing/what-if/what-if.controller';
import { MeWhatIfController } from './routing/what-if/me-what-if.controller';
import { MeUsageController } from './usage/me-usage.controller';
import {
  AdminUsageAnalyticsController,
  MeUsageAnalyticsController,
} from './usage-analytics/usage-analytics.controller';
import { UsageAnalyticsReader } from './usage-analytics/usage-analytics.reader';

/** Makes the runtime's parts injectable everywhere (libraries' handlers need EVENT_STORE, KNEX, CLOCK). */
@Global()
@Module({})
class RuntimeModule {
  static forRuntime(runtime: GatewayRuntime): DynamicModule {
    const providers = [
      { provide: GATEWAY_CONFIG, useValue: runtime.config },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: EVENT_STORE, useValue: runtime.eventStore },
      { provide: KNEX, useValue: runtime.knex },
      { provide: CLOCK, useValue: runtime.clock },
      { provide: AccessDirectory, useValue: runtime.directory },
      { provide: ChatContext, useValue: runtime.chatContext },
      { provide: ChatService, useValue: runtime.chatService },
      { provide: GatewayMetrics, useValue: runtime.metrics },
      { provide: KEY_VAULT, useValue: runtime.vault },
      { provide: CatalogState, useValue: runtime.catalog },
      { provide: KeysState, useValue: runtime.keys },
      { provide: ProviderProber, useValue: runtime.prober },
      { provide: RateLimits, useValue: runtime.limits.rateLimits },
      { provide: RateLimitGate, useValue: runtime.limits.gate },
      { provide: BudgetGate, useValue: runtime.budget.gate },
      { provide: IdempotencyGate, useValue: runtime.idempotency },
      { provide: AUDIT_VERIFICATION, useValue: runtime.audit },
      {
        provide: PROVIDER_HEALTH_DIRECTORY,
        useValue: providerHealthDirectory(runtime.catalog, runtime.chatContext),
      },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** The gateway's composition root: wiring only. */
@Module({})
export class AppModule {
  static forRuntime(runtime: GatewayRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRuntime(runtime),
        CqrsModule.forRoot(),
        TerminusModule,
        AccountsModule,
        UsageBillingModule,
        UsageAnalyticsModule,
        RoutingModule,
        CatalogModule,
        KeysModule,
        LimitsModule,
      ],
      controllers: [
        AuthController,
        ChatController,
        KeysController,
        MeController,
        AdminUsersController,
        TierPolicyController,
        BillingPolicyController,
        MyCreditsController,
        CreditPackagesController,
        AdminCreditsController,
        PaymentWebhookController,
        MeUsageController,
        MeUsageAnalyticsController,
        AdminUsageAnalyticsController,
        RequestsController,
        RoutingPolicyController,
        RoutingPreviewController,
        WhatIfController,
        MeWhatIfController,
        ProviderHealthController,
        ProvidersController,
        ModelsController,
        CatalogModelsController,
        SettingsEstimateController,
        MeUsageForecastController,
        MeUsageByKeyController,
        HealthController,
        MetricsController,
        AuditController,
        AdminOverviewController,
        MyKeyHistoryController,
        VaultController,
        RateLimitsController,
      ],
      providers: [
        GatewayKeyGuard,
        AdminGuard,
        AccountService,
        AuditorGuard,
        CatalogAdmin,
        ProviderHealthCache,
        MyKeys,
        UsageAnalyticsReader,
        ...identityProviders,
        ...billingProviders,
      ],
    };
  }
}
