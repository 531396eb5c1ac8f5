import { signWebhook, verifyWebhookSignature } from './payment-webhook-signature';

const secret = 'whsec_test_0123456789';
const body = '{"id":"evt_1","type":"payment.succeeded"}';
const now = 1_800_000_000;

describe('payment webhook signatures (Stripe’s scheme)', () => {
  it('accepts its own signature within five minutes either way', () => {
    for (const t of [now, now - 300, now + 300])
      expect(verifyWebhookSignature(signWebhook(secret, body, t), body, secret, now)).toEqual({
        ok: true,
        timestamp: t,
      });
  });

  it('refuses a stale one, a changed body, another secret, and garbage, each with its reason', () => {
    expect(verifyWebhookSignature(signWebhook(secret, body, now - 301), body, secret, now)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature(signWebhook(secret, body, now), `${body} `, secret, now)).toMatchObject({
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature(signWebhook('other', body, now), body, secret, now)).toMatchObject({
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature(undefined, body, secret, now)).toMatchObject({ reason: 'missing' });
    for (const header of [
      't=abc,v1=00',
      `v1=${'0'.repeat(64)}`,
      `t=${now}`,
      `t=${now},v1=${'g'.repeat(64)}`,
      't==1',
    ])
      expect(verifyWebhookSignature(header, body, secret, now)).toMatchObject({ reason: 'malformed' });
  });

  it('accepts any one matching v1 (secret rotation)', () => {
    const good = signWebhook(secret, body, now);
    const header = `t=${now},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    expect(verifyWebhookSignature(header, body, secret, now).ok).toBe(true);
  });
});
