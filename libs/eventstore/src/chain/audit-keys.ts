import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';

/** Both audit keys are 32 random bytes: the chain's HMAC key, and the Ed25519 seed of the signing key. */
export const AUDIT_KEY_BYTES = 32;

const REDACTED = '[redacted]';

/** PKCS#8 DER of an Ed25519 private key is this fixed prefix and the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const assertLength = (bytes: Uint8Array, what: string): void => {
  if (bytes.length !== AUDIT_KEY_BYTES)
    throw new Error(`The ${what} must be ${AUDIT_KEY_BYTES} bytes (got ${bytes.length}).`);
};

/** A key that prints as `[redacted]` wherever it goes: JSON, string templates, util.inspect (logs). */
abstract class NeverPrinted {
  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * The secret the links of the hash chain are keyed with (HMAC-SHA256). It is kept outside the
 * database (`AUDIT_CHAIN_KEY`, or `$DATA_DIR/audit-keys.json` in embedded mode), so someone who can
 * write the `events` table cannot compute a valid link. JSON, `String()` and `util.inspect` show
 * `[redacted]`.
 */
export class ChainKey extends NeverPrinted {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    super();
    assertLength(key, 'audit chain key');
    this.#key = Buffer.from(key);
  }

  /** Lower-case hex HMAC-SHA256 of `text`. */
  mac(text: string): string {
    return createHmac('sha256', this.#key).update(text, 'utf8').digest('hex');
  }
}

/** Checks checkpoint signatures: anyone may hold it. */
export class CheckpointVerifyKey {
  /** First 16 hex characters of SHA-256 over the raw 32-byte public key: names the key in checkpoints. */
  readonly keyId: string;

  constructor(private readonly publicKey: KeyObject) {
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    this.keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  }

  verify(text: string, signature: string): boolean {
    try {
      return verify(null, Buffer.from(text, 'utf8'), this.publicKey, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}

/**
 * The Ed25519 key that signs checkpoints (`AUDIT_SIGNING_KEY`: a base64 seed, or
 * `$DATA_DIR/audit-keys.json`). Never printed.
 */
export class CheckpointSigningKey extends NeverPrinted {
  readonly #privateKey: KeyObject;
  readonly verifyKey: CheckpointVerifyKey;

  private constructor(privateKey: KeyObject) {
    super();
    this.#privateKey = privateKey;
    this.verifyKey = new CheckpointVerifyKey(createPublicKey(privateKey));
  }

  static fromSeed(seed: Uint8Array): CheckpointSigningKey {
    assertLength(seed, 'audit signing key');
    return new CheckpointSigningKey(
      createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      }),
    );
  }

  /** Base64 Ed25519 signature of `text`. */
  sign(text: string): string {
    return sign(null, Buffer.from(text, 'utf8'), this.#privateKey).toString('base64');
  }
}

/** What the audit needs: the chain's HMAC key and the checkpoints' signing key. */
export interface AuditKeys {
  readonly chainKey: ChainKey;
  readonly signingKey: CheckpointSigningKey;
}
