import { createHmac, timingSafeEqual } from 'node:crypto';

/** Stripe's default: a signed webhook older (or newer) than five minutes is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type SignatureVerdict =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

const hmac = (secret: string, timestamp: number, body: string): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();

/** `Switchyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, as the payment provider sends it. */
export const signWebhook = (secret: string, body: string, timestamp: number): string =>
  `t=${timestamp},v1=${hmac(secret, timestamp, body).toString('hex')}`;

/**
 * Checks a webhook's signature header against its raw body (pure): Stripe's scheme. Several `v1`
 * values may be given (secret rotation); one matching is enough. Compared in constant time.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): SignatureVerdict {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) return { ok: false, reason: 'malformed' };
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return { ok: false, reason: 'malformed' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed' };
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = hmac(secret, timestamp, rawBody);
  return signatures.some((s) => timingSafeEqual(s, expected))
    ? { ok: true, timestamp }
    : { ok: false, reason: 'mismatch' };
}
