import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sk-sy-';

/** A new gateway API key: 32 random bytes, base64url. Shown once; only its hash is kept. */
export const generateGatewayKey = (): string => PREFIX + randomBytes(32).toString('base64url');

/** Keys carry 256 bits of entropy, so a plain SHA-256 is the right lookup hash (no password KDF needed). */
export const hashGatewayKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * Our keys show their prefix, four random characters and the last four; a key an operator chose
 * (BOOTSTRAP_ADMIN_KEY) shows its last four only, since its start may be all it has of a pattern.
 */
export const maskGatewayKey = (key: string): string =>
  key.startsWith(PREFIX) ? `${key.slice(0, PREFIX.length + 4)}…${key.slice(-4)}` : `…${key.slice(-4)}`;
