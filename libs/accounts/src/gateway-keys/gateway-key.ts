import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sk-sy-';

/** A new gateway API key: 32 random bytes, base64url. Shown once; only its hash is kept. */
export const generateGatewayKey = (): string => PREFIX + randomBytes(32).toString('base64url');

/** Keys carry 256 bits of entropy, so a plain SHA-256 is the right lookup hash (no password KDF needed). */
export const hashGatewayKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const maskGatewayKey = (key: string): string => `${key.slice(0, PREFIX.length + 4)}…${key.slice(-4)}`;
