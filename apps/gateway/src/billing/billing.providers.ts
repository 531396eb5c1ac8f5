import type { Provider } from '@nestjs/common';
import type { GatewayConfig } from '@gw/platform';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import { loadPaymentWebhookSecret, PAYMENT_WEBHOOK_SECRET } from './payment-webhook-secret';

/** Billing wiring: the payment webhook's secret (configured, or embedded mode's generated one). */
export const billingProviders: Provider[] = [
  {
    provide: PAYMENT_WEBHOOK_SECRET,
    useFactory: (config: GatewayConfig) => loadPaymentWebhookSecret(config),
    inject: [GATEWAY_CONFIG],
  },
];
