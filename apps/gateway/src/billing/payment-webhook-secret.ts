import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir, readPrivateFile } from '@gw/database';
import type { GatewayConfig } from '@gw/platform';

export const PAYMENT_WEBHOOK_SECRET = Symbol('PaymentWebhookSecret');

/** What webhooks are verified with; null: none configured (full mode without PAYMENT_WEBHOOK_SECRET). */
export interface PaymentWebhookSecret {
  readonly secret: string | null;
}

/**
 * PAYMENT_WEBHOOK_SECRET, else in embedded mode `$DATA_DIR/payment-webhook-secret` (generated on the
 * first start, mode 0600, refused later when group or others may read it), which the local demo
 * payment page signs with. Full mode without it refuses every webhook.
 */
export async function loadPaymentWebhookSecret(config: GatewayConfig): Promise<PaymentWebhookSecret> {
  if (config.paymentWebhookSecret) return { secret: config.paymentWebhookSecret.reveal() };
  if (!config.embedded) return { secret: null };
  const file = path.join(config.dataDir, 'payment-webhook-secret');
  try {
    return { secret: (await readPrivateFile(file)).trim() };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await ensurePrivateDir(config.dataDir);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret };
  } catch (e) {
    // Another process wrote it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { secret: (await readPrivateFile(file)).trim() };
  }
}
