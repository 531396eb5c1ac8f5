import { IllegalStateError } from '@gw/shared-kernel';

/** How this gateway lets a user pay for a checkout, from its configuration. */
export interface CheckoutSetup {
  readonly embedded: boolean;
  /** PAYMENT_WEBHOOK_SECRET is set: payments come from a real payment provider. */
  readonly webhookSecretConfigured: boolean;
  /** PAYMENT_CHECKOUT_URL: the payment provider's page, with `{purchaseId}` (and optionally more). */
  readonly checkoutUrlTemplate?: string;
}

export interface CheckoutRef {
  readonly userId: string;
  readonly purchaseId: string;
  readonly packageId: string;
}

/**
 * The embedded demo payment page signs its webhook with the gateway's own webhook secret. It serves
 * only in embedded mode and only while that secret is the generated one: with PAYMENT_WEBHOOK_SECRET
 * set it would sign with the real secret, so that anyone could pay with it.
 */
export const demoCheckoutServes = (setup: CheckoutSetup): boolean =>
  setup.embedded && !setup.webhookSecretConfigured;

/** Why the demo page is off, for the page a browser gets instead. */
export function demoCheckoutOffReason(setup: CheckoutSetup): string | undefined {
  if (!setup.embedded) return 'The demo payment page exists in embedded mode only';
  if (setup.webhookSecretConfigured)
    return 'The demo payment page is off because PAYMENT_WEBHOOK_SECRET is set: payments come from your payment provider (the demo page would sign them with the real secret)';
  return undefined;
}

const PLACEHOLDER = /\{(purchaseId|userId|packageId)\}/g;

/**
 * Where the user pays: PAYMENT_CHECKOUT_URL with `{purchaseId}`, `{userId}` and `{packageId}` filled
 * in (URL-encoded) when it is set; else the demo page when it serves; else no way to pay, a 409
 * (`BILLING.CHECKOUT_NOT_CONFIGURED`) saying what to set, before any purchase is started.
 */
export function checkoutUrlFor(setup: CheckoutSetup, ref: CheckoutRef): string {
  if (setup.checkoutUrlTemplate)
    return setup.checkoutUrlTemplate.replace(PLACEHOLDER, (_, name: keyof CheckoutRef) =>
      encodeURIComponent(ref[name]),
    );
  if (demoCheckoutServes(setup))
    return `/billing/demo-checkout?user=${encodeURIComponent(ref.userId)}&purchase=${encodeURIComponent(ref.purchaseId)}`;
  throw new IllegalStateError(
    'BILLING.CHECKOUT_NOT_CONFIGURED',
    'Buying credits needs a payment page: set PAYMENT_CHECKOUT_URL to your payment provider’s checkout (with {purchaseId}); its webhook then confirms the payment',
  );
}

/**
 * Where the demo page may send the browser back to: a path of this origin's web portal (`/app/…`, an
 * optional simple query), nothing else — never another site (`//host`, `https:`), never the API.
 */
export function portalReturnPath(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 200) return undefined;
  return /^\/app(\/[\w-]+)*\/?(\?[\w=&.-]*)?$/.test(value) ? value : undefined;
}
