export {
  keyVaultContract,
  newSecretRef,
  aSecret,
  type KeyVaultFactory,
  type KeyVaultFixture,
} from './key-vault.contract';
