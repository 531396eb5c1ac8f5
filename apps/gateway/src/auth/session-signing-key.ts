import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { ensurePrivateDir, readPrivateFile } from '@gw/database';
import type { ConfiguredSecret } from '@gw/platform';

/** The gateway's key for the access tokens of local sign-in (EdDSA, Ed25519). */
export interface SessionSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key's JWK thumbprint (RFC 7638), the tokens' `kid`. */
  readonly kid: string;
}

export const sessionKeyPath = (dataDir: string): string => path.join(dataDir, 'session-signing-key.json');

/** PKCS#8 DER of an Ed25519 private key is this fixed prefix and the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const fromPrivateKey = async (privateKey: KeyObject): Promise<SessionSigningKey> => {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, kid: await calculateJwkThumbprint(await exportJWK(publicKey)) };
};

/**
 * `SESSION_SIGNING_KEY` (a base64 Ed25519 seed; every instance of a deployment sets the same), else
 * `$DATA_DIR/session-signing-key.json` (a private JWK): created on the first start with mode 0600 and
 * refused later when group or others may read it, like the vault's key file.
 */
export async function loadSessionSigningKey(
  configured: ConfiguredSecret | undefined,
  dataDir: string,
): Promise<SessionSigningKey> {
  if (configured) {
    const seed = Buffer.from(configured.reveal(), 'base64');
    return fromPrivateKey(
      createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
    );
  }
  const file = sessionKeyPath(dataDir);
  let text: string | undefined;
  try {
    text = await readPrivateFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) {
    const jwk = JSON.parse(text) as { kty?: string; crv?: string; d?: string; x?: string };
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x)
      throw new Error(`${file} is not an Ed25519 private JWK; remove it to create a new key`);
    return fromPrivateKey(
      createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x }, format: 'jwk' }),
    );
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  await ensurePrivateDir(dataDir);
  // wx: two processes starting at once never overwrite each other's key
  await writeFile(file, `${JSON.stringify(privateKey.export({ format: 'jwk' }))}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  return fromPrivateKey(privateKey);
}
