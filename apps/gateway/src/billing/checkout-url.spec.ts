import { IllegalStateError } from '@gw/shared-kernel';
import {
  checkoutUrlFor,
  demoCheckoutOffReason,
  demoCheckoutServes,
  portalReturnPath,
  type CheckoutSetup,
} from './checkout-url';

const ref = { userId: 'u 1', purchaseId: 'pur_abc', packageId: 'credits-10' };
const embedded: CheckoutSetup = { embedded: true, webhookSecretConfigured: false };

describe('checkout URL', () => {
  it('embedded mode with its generated webhook secret: the demo page', () => {
    expect(demoCheckoutServes(embedded)).toBe(true);
    expect(demoCheckoutOffReason(embedded)).toBeUndefined();
    expect(checkoutUrlFor(embedded, ref)).toBe('/billing/demo-checkout?user=u%201&purchase=pur_abc');
  });

  it('PAYMENT_WEBHOOK_SECRET set: the demo page is off, even in embedded mode, and says why', () => {
    const configured = { ...embedded, webhookSecretConfigured: true };
    expect(demoCheckoutServes(configured)).toBe(false);
    expect(demoCheckoutOffReason(configured)).toMatch(/PAYMENT_WEBHOOK_SECRET is set/);
    expect(() => checkoutUrlFor(configured, ref)).toThrow(IllegalStateError);
    expect(() => checkoutUrlFor(configured, ref)).toThrow(/PAYMENT_CHECKOUT_URL/);
  });

  it('full mode: never the demo page', () => {
    const full = { embedded: false, webhookSecretConfigured: false };
    expect(demoCheckoutServes(full)).toBe(false);
    expect(demoCheckoutOffReason(full)).toMatch(/embedded mode only/);
    expect(() => checkoutUrlFor(full, ref)).toThrow(IllegalStateError);
  });

  it('PAYMENT_CHECKOUT_URL: the provider’s page with the ids filled in, URL-encoded', () => {
    const setup = {
      embedded: false,
      webhookSecretConfigured: true,
      checkoutUrlTemplate: 'https://pay.example/checkout?ref={purchaseId}&u={userId}&p={packageId}&x={other}',
    };
    expect(checkoutUrlFor(setup, ref)).toBe(
      'https://pay.example/checkout?ref=pur_abc&u=u%201&p=credits-10&x={other}',
    );
    expect(checkoutUrlFor({ ...setup, embedded: true, webhookSecretConfigured: false }, ref)).toMatch(
      /^https:\/\/pay\.example\//,
    );
  });
});

describe('portalReturnPath (where the demo page goes back to)', () => {
  it.each(['/app/credits', '/app/credits?paid=pur_abc', '/app', '/app/', '/app/requests/req-1'])(
    'a portal path: %p',
    (path) => expect(portalReturnPath(path)).toBe(path),
  );
  it.each([
    undefined,
    '',
    'https://evil.example/app/credits',
    '//evil.example/app/credits',
    '/\\evil.example',
    '/api/v1/me/credits',
    '/application',
    '/app/../api/v1/me',
    '/app/credits#x',
    '/app/credits?x=<script>',
    'javascript:alert(1)',
    `/app/${'a'.repeat(200)}`,
  ])('anything else is refused: %p', (value) => expect(portalReturnPath(value)).toBeUndefined());
});
