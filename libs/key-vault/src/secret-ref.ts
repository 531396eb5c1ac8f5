import { ValidationError } from '@gw/shared-kernel';
import { VAULT_SCOPES, type SecretRef, type VaultScope } from './key-vault.port';

const MAX_ID_LENGTH = 200;

const checkId = (field: string, value: unknown): void => {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new ValidationError(
      'KEY_VAULT.INVALID_REFERENCE',
      `A vault reference needs ${field} as a string of 1 to ${MAX_ID_LENGTH} characters.`,
      { field },
    );
  }
};

export function assertVaultScope(scope: unknown): asserts scope is VaultScope {
  if (!VAULT_SCOPES.includes(scope as VaultScope)) {
    throw new ValidationError(
      'KEY_VAULT.INVALID_REFERENCE',
      `A vault scope is one of ${VAULT_SCOPES.join(', ')}.`,
      { field: 'scope' },
    );
  }
}

/** Checks a reference before it is used as a key or as associated data. */
export function assertSecretRef(ref: SecretRef): void {
  assertVaultScope(ref.scope);
  checkId('ownerId', ref.ownerId);
  checkId('secretId', ref.secretId);
  checkId('provider', ref.provider);
}

export function assertOwner(scope: VaultScope, ownerId: string): void {
  assertVaultScope(scope);
  checkId('ownerId', ownerId);
}

export function assertPlaintext(plaintext: string): void {
  if (typeof plaintext !== 'string' || plaintext.length === 0) {
    throw new ValidationError('KEY_VAULT.EMPTY_SECRET', 'The secret to store must be a non-empty string.');
  }
}
