/** Nest injection token for the KeyVault port. */
export const KEY_VAULT = Symbol('KeyVault');
