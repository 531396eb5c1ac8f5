import type { SecretRef } from './key-vault.port';

/**
 * Failures of the vault itself. Not `DomainError`s: none is a user's mistake a 4xx could explain, they
 * mean broken configuration or data (500). Messages name references and versions, never key material.
 */
export class KeyVaultError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** VAULT_KEYS, VAULT_FINGERPRINT_KEY or vault-keys.json is missing or malformed. */
export class VaultConfigError extends KeyVaultError {
  constructor(message: string) {
    super('KEY_VAULT.INVALID_CONFIG', message);
  }
}

export const describeRef = (ref: SecretRef): string =>
  `${ref.scope}/${ref.ownerId}/${ref.secretId} (provider ${ref.provider})`;

/** The row does not authenticate: sealed for another reference, altered, or wrapped by another KEK. */
export class SecretDecryptionError extends KeyVaultError {
  constructor(ref: SecretRef, kekVersion: number, stage: 'data key' | 'secret') {
    super(
      'KEY_VAULT.DECRYPTION_FAILED',
      `The vault row for ${describeRef(ref)} failed authentication while decrypting its ${stage}: ` +
        `it was sealed for another reference or altered, or KEK v${kekVersion} is not the key it was wrapped with.`,
    );
  }
}

/** The row's data key is wrapped by a KEK version the configuration does not have. */
export class UnknownKekVersionError extends KeyVaultError {
  constructor(kekVersion: number, configured: readonly number[], ref?: SecretRef) {
    super(
      'KEY_VAULT.UNKNOWN_KEK_VERSION',
      `${ref ? `The vault row for ${describeRef(ref)} is wrapped with` : 'Asked for'} KEK v${kekVersion}, ` +
        `which is not configured (configured: ${configured.map((v) => `v${v}`).join(', ')}). ` +
        'Add it back to VAULT_KEYS, then run rewrap before removing it.',
    );
  }
}

/** rewrap() could not re-wrap some rows; the others were re-wrapped. */
export class RewrapIncompleteError extends KeyVaultError {
  constructor(
    readonly rewrapped: number,
    readonly failures: readonly { readonly ref: SecretRef; readonly error: Error }[],
  ) {
    const shown = failures.slice(0, 3).map((f) => `${describeRef(f.ref)}: ${f.error.message}`);
    super(
      'KEY_VAULT.REWRAP_INCOMPLETE',
      `Re-wrapped ${rewrapped} vault rows, ${failures.length} could not be: ${shown.join('; ')}` +
        (failures.length > shown.length ? `; and ${failures.length - shown.length} more` : ''),
    );
  }
}
