import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { request as httpRequest } from 'undici';
import { EVENT_STORE, readState, type EventStore } from '@gw/eventstore';
import type { GatewayConfig } from '@gw/platform';
import {
  CompletePurchaseCommand,
  creditsDecider,
  signWebhook,
  toCreditsStreamId,
  verifyWebhookSignature,
} from '@gw/usage-billing';
import { CLOCK, IllegalStateError, NotFoundError, ValidationError, type Clock } from '@gw/shared-kernel';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import { PAYMENT_WEBHOOK_SECRET, type PaymentWebhookSecret } from './payment-webhook-secret';
import { demoCheckoutOffReason, portalReturnPath } from './checkout-url';

/** Where the JSON body parser keeps the raw text of webhook requests (the signature covers it). */
export const WEBHOOK_PATH_PREFIX = '/api/v1/billing/webhooks/';
export type RawBodyRequest = FastifyRequest & { rawBody?: string };

/** The payment provider's event: Stripe-like, with our checkout's ids as its metadata. */
interface PaymentEvent {
  readonly id: string;
  readonly type: string;
  readonly data: {
    readonly paymentId: string;
    readonly purchaseId: string;
    readonly userId: string;
    readonly amountMicros: string;
  };
}

const ID = /^[\w.:-]{1,200}$/;

function paymentEventOf(body: unknown): PaymentEvent {
  const e = body as Partial<PaymentEvent> | undefined;
  if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.type !== 'string')
    throw new ValidationError('BILLING.INVALID_WEBHOOK', 'The webhook body must be {id, type, data}', {
      param: 'body',
    });
  if (e.type !== 'payment.succeeded') return e as PaymentEvent;
  const d = e.data;
  for (const field of ['paymentId', 'purchaseId', 'userId'] as const)
    if (typeof d?.[field] !== 'string' || !ID.test(d[field]))
      throw new ValidationError('BILLING.INVALID_WEBHOOK', `data.${field} must be an id`, {
        param: `data.${field}`,
      });
  if (typeof d!.amountMicros !== 'string' || !/^[1-9]\d{0,18}$/.test(d!.amountMicros))
    throw new ValidationError(
      'BILLING.INVALID_WEBHOOK',
      'data.amountMicros must be micro-dollars as a string',
      {
        param: 'data.amountMicros',
      },
    );
  return e as PaymentEvent;
}

const SIGNATURE_PROBLEMS = {
  missing: 'The Switchyard-Signature header is missing',
  malformed: 'The Switchyard-Signature header must be t=<unix seconds>,v1=<hex HMAC-SHA256>',
  stale: 'The webhook is more than five minutes old or ahead (a replay, or a clock far off)',
  mismatch: 'The signature does not match the body under the configured secret',
} as const;

/**
 * POST /api/v1/billing/webhooks/payment: the payment provider confirms a payment. Verified like
 * Stripe's (HMAC-SHA256 over "t.body", five-minute tolerance); the credits are granted once per
 * payment id (the purchase's stream remembers it), so a replay within the tolerance grants nothing.
 */
@ApiTags('billing')
@Controller()
export class PaymentWebhookController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(PAYMENT_WEBHOOK_SECRET) private readonly secret: PaymentWebhookSecret,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('api/v1/billing/webhooks/payment')
  @HttpCode(200)
  async payment(@Req() request: RawBodyRequest): Promise<Record<string, unknown>> {
    if (this.secret.secret === null)
      throw new IllegalStateError(
        'BILLING.WEBHOOK_NOT_CONFIGURED',
        'Payment webhooks are off: set PAYMENT_WEBHOOK_SECRET to the secret your payment provider signs with',
      );
    const header = request.headers['switchyard-signature'];
    const verdict = verifyWebhookSignature(
      typeof header === 'string' ? header : undefined,
      request.rawBody ?? '',
      this.secret.secret,
      Math.floor(this.clock.now().getTime() / 1000),
    );
    if (!verdict.ok)
      throw new ValidationError(
        `BILLING.WEBHOOK_SIGNATURE_${verdict.reason.toUpperCase()}`,
        SIGNATURE_PROBLEMS[verdict.reason],
        {
          param: 'Switchyard-Signature',
        },
      );
    const event = paymentEventOf(request.body);
    if (event.type !== 'payment.succeeded') return { received: true, ignored: event.type };
    const result = await this.commands.execute(
      new CompletePurchaseCommand(
        {
          userId: event.data.userId,
          purchaseId: event.data.purchaseId,
          paymentId: event.data.paymentId,
          paidMicros: event.data.amountMicros,
        },
        { correlationId: event.id, actorId: 'payment-provider', actorKind: 'system' },
      ),
    );
    return result.events.length > 0
      ? { received: true, granted: true }
      : { received: true, granted: false, duplicate: true };
  }

  /**
   * Embedded mode's demo payment page: a Pay button that completes the checkout through the webhook.
   * With `return`, a path of the web portal (`/app/…`, see portalReturnPath), the page goes back there
   * once paid, and offers a link back before (a payment provider's success and cancel URLs).
   */
  @ApiExcludeEndpoint()
  @Get('billing/demo-checkout')
  async demoPage(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('user') user?: string,
    @Query('purchase') purchase?: string,
    @Query('return') returnTo?: string,
  ): Promise<string> {
    const back = portalReturnPath(returnTo);
    const backLink =
      back === undefined ? '' : `<p><a id="back" href="${escapeHtml(back)}">Back to Switchyard</a></p>`;
    // No inline styles: this CSP would block them (a console error on every visit).
    void reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'",
      );
    let pending: Awaited<ReturnType<PaymentWebhookController['pendingPurchase']>>;
    try {
      pending = await this.pendingPurchase(user, purchase);
    } catch (e) {
      // A browser gets a page, not JSON: a checkout paid already (a second tab, the back button).
      if (!(e instanceof NotFoundError)) throw e;
      void reply.code(404);
      return `<!doctype html><meta charset="utf-8"><title>Switchyard demo payment</title>
<body>
<h1>Demo payment</h1>
<p>${escapeHtml(e.message)}.</p>
<p>Your balance: <code>GET /api/v1/me/credits</code>; a new checkout: <code>POST /api/v1/me/credits/checkout</code>.</p>
${backLink}`;
    }
    const dollars = (Number(pending.priceMicros) / 1e6).toFixed(2);
    const payload = JSON.stringify({ user, purchase }).replace(/</g, '\\u003c');
    return `<!doctype html><meta charset="utf-8"><title>Switchyard demo payment</title>
<body>
<h1>Demo payment</h1>
<p>${pending.credits.toLocaleString('en-US')} credits (${escapeHtml(pending.packageId)}) for $${dollars}.</p>
<p>No money moves: this page stands in for a payment provider and calls the gateway's payment webhook, signed.</p>
<button id="pay">Pay $${dollars}</button> <span id="out" role="status"></span>
${backLink}
<script>
document.getElementById('pay').onclick = async () => {
  const r = await fetch('/billing/demo-checkout/pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(payload)} });
  document.getElementById('out').textContent = r.ok ? 'Paid: the credits are yours.' : 'Failed: ' + r.status;
  const back = ${JSON.stringify(back ?? null)};
  if (r.ok && back) location.assign(back);
};
</script>`;
  }

  /** The demo page's button: signs a payment.succeeded event and sends it to the webhook over HTTP. */
  @ApiExcludeEndpoint()
  @Post('billing/demo-checkout/pay')
  @HttpCode(200)
  async demoPay(@Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    const { user, purchase } = (request.body ?? {}) as { user?: string; purchase?: string };
    const pending = await this.pendingPurchase(user, purchase);
    const body = JSON.stringify({
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      type: 'payment.succeeded',
      data: {
        paymentId: `pay_demo_${randomUUID().replaceAll('-', '')}`,
        purchaseId: purchase,
        userId: user,
        amountMicros: pending.priceMicros,
      },
    });
    const t = Math.floor(this.clock.now().getTime() / 1000);
    const address = request.socket.localAddress ?? '127.0.0.1';
    const host = address.includes(':') ? `[${address}]` : address;
    const answer = await httpRequest(
      `http://${host}:${request.socket.localPort}${WEBHOOK_PATH_PREFIX}payment`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'switchyard-signature': signWebhook(this.secret.secret!, body, t),
        },
        body,
      },
    );
    const result = (await answer.body.json()) as Record<string, unknown>;
    if (answer.statusCode !== 200)
      throw new IllegalStateError('BILLING.DEMO_PAYMENT_FAILED', `The webhook answered ${answer.statusCode}`);
    return result;
  }

  /**
   * Embedded mode only, and only while the webhook secret is the generated one (with
   * PAYMENT_WEBHOOK_SECRET set the page would sign with the real secret); the purchase must exist
   * and be unpaid.
   */
  private async pendingPurchase(user: string | undefined, purchase: string | undefined) {
    const off = demoCheckoutOffReason({
      embedded: this.config.embedded,
      webhookSecretConfigured: this.config.paymentWebhookSecret !== undefined,
    });
    if (off !== undefined || this.secret.secret === null)
      throw new NotFoundError('BILLING.DEMO_CHECKOUT_OFF', off ?? 'The demo payment page is off');
    if (!user || !purchase || !ID.test(user) || !ID.test(purchase))
      throw new ValidationError('BILLING.INVALID_CHECKOUT', 'user and purchase are required', {
        param: 'purchase',
      });
    const state = await readState(this.store, toCreditsStreamId(user), creditsDecider);
    const pending = state.purchases.get(purchase);
    if (!pending || pending.paymentId !== undefined)
      throw new NotFoundError(
        'BILLING.PURCHASE_NOT_FOUND',
        pending ? 'This checkout is paid already' : 'There is no unpaid checkout with this id',
        { param: 'purchase' },
      );
    return pending;
  }
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
