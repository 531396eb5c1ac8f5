export * from './key-vault.port';
export * from './key-vault.errors';
export { assertSecretRef } from './secret-ref';
export {
  KeyEncryptionKeys,
  KEY_BYTES,
  MAX_KEK_VERSION,
  type KeyEncryptionKeysInit,
} from './crypto/key-encryption-keys';
export {
  loadKeyEncryptionKeys,
  VAULT_KEYS_FILE,
  type KeyEncryptionKeysSource,
} from './crypto/load-key-encryption-keys';
export { sealSecret, openSecret, rewrapSealed, type SealedSecret } from './crypto/envelope';
export { maskSecret, last4, fingerprint } from './crypto/secret-display';
export { InMemoryKeyVault, type InMemoryVaultRow } from './adapters/in-memory-key-vault';
export {
  PostgresKeyVault,
  VAULT_SECRETS_TABLE,
  type PostgresKeyVaultOptions,
} from './adapters/postgres-key-vault';
export { KEY_VAULT } from './key-vault.token';
