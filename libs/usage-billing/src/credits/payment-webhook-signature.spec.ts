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

  it('matches a known-answer vector computed outside our code (openssl dgst -sha256 -hmac)', () => {
    // printf '%s' "1733500000.$BODY" | openssl dgst -sha256 -hmac whsec_known_answer_vector_2026
    // The body is UTF-8 with non-ASCII characters: the HMAC is over its bytes, as Stripe's is.
    const kat = {
      secret: 'whsec_known_answer_vector_2026',
      timestamp: 1_733_500_000,
      body: '{"id":"evt_kat_1","type":"payment.succeeded","data":{"amount":1000,"note":"crédit €10"}}',
      v1: '57b322328f76949d81c958df567cf78bab529c16c968989773a5a67a08b43a87',
    };
    const header = `t=${kat.timestamp},v1=${kat.v1}`;
    expect(signWebhook(kat.secret, kat.body, kat.timestamp)).toBe(header);
    expect(verifyWebhookSignature(header, kat.body, kat.secret, kat.timestamp + 10)).toEqual({
      ok: true,
      timestamp: kat.timestamp,
    });
    // One bit off in the vector is refused.
    const flipped = `t=${kat.timestamp},v1=${kat.v1.slice(0, -1)}${kat.v1.endsWith('7') ? '6' : '7'}`;
    expect(verifyWebhookSignature(flipped, kat.body, kat.secret, kat.timestamp)).toMatchObject({
      reason: 'mismatch',
    });
  });

  it('accepts any one matching v1 (secret rotation)', () => {
    const good = signWebhook(secret, body, now);
    const header = `t=${now},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    expect(verifyWebhookSignature(header, body, secret, now).ok).toBe(true);
  });
});
