import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { readPrivateFile } from '@gw/database';
import {
  KEY_BYTES,
  loadKeyEncryptionKeys,
  PostgresKeyVault,
  VAULT_KEYS_FILE,
  type KeyEncryptionKeys,
  type KeyEncryptionKeysSource,
  type KeyVault,
  type SealedSecret,
  type SecretRef,
  type StoredSecret,
  type VaultScope,
} from '@gw/key-vault';
import { IllegalStateError } from '@gw/shared-kernel';

export interface RewrapOutcome {
  /** The KEK version every data key is now wrapped with. */
  readonly activeKekVersion: number;
  /** The versions the gateway holds after reloading them (the older ones can go once rewrapped is done). */
  readonly kekVersions: readonly number[];
  /** How many vault rows were re-wrapped (0 when every row already was under the active version). */
  readonly rewrapped: number;
}

/**
 * The gateway's vault, able to take new key-encryption keys while it serves (embedded-mode rotation):
 * `rewrapWithReloadedKeys` reloads the KEKs from where they came from (`$DATA_DIR/vault-keys.json`, or
 * VAULT_KEYS as the process was started with), optionally adds a fresh version to the key file first,
 * switches every later vault call to them and re-wraps the data keys. Each call reads `current` once,
 * so an operation in flight finishes under the keys it started with; both versions are held during
 * the rotation, so every row decrypts before, during and after it.
 */
export class RotatingKeyVault implements KeyVault {
  private current: PostgresKeyVault;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    knex: Knex,
    keys: KeyEncryptionKeys,
    private readonly source: KeyEncryptionKeysSource,
  ) {
    this.current = new PostgresKeyVault(knex, keys);
  }

  put(ref: SecretRef, plaintext: string): Promise<StoredSecret> {
    return this.current.put(ref, plaintext);
  }

  get(ref: SecretRef): Promise<string | undefined> {
    return this.current.get(ref);
  }

  getSealed(ref: SecretRef): Promise<SealedSecret | undefined> {
    return this.current.getSealed(ref);
  }

  /** With the keys of now: during a rotation they hold both versions, so older envelopes still open. */
  open(ref: SecretRef, sealed: SealedSecret): string {
    return this.current.open(ref, sealed);
  }

  destroy(ref: SecretRef): Promise<boolean> {
    return this.current.destroy(ref);
  }

  destroyOwner(scope: VaultScope, ownerId: string): Promise<number> {
    return this.current.destroyOwner(scope, ownerId);
  }

  rewrap(): Promise<number> {
    return this.current.rewrap();
  }

  /** One rotation at a time: a second call waits for the first. */
  rewrapWithReloadedKeys(options: { readonly addKey?: boolean } = {}): Promise<RewrapOutcome> {
    const next = this.running.then(() => this.reloadAndRewrap(options.addKey === true));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async reloadAndRewrap(addKey: boolean): Promise<RewrapOutcome> {
    if (addKey) await this.addKeyToFile();
    const keys = await loadKeyEncryptionKeys(this.source);
    this.current = this.current.withKeys(keys);
    const rewrapped = await this.current.rewrap();
    return { activeKekVersion: keys.activeVersion, kekVersions: keys.versions, rewrapped };
  }

  /** Appends version max+1 to the key file: written beside it (0600) and renamed over it, never half-written. */
  private async addKeyToFile(): Promise<void> {
    if ((this.source.vaultKeys ?? '').trim() !== '' || !this.source.dataDir)
      throw new IllegalStateError(
        'VAULT.KEYS_FROM_ENVIRONMENT',
        'The key-encryption keys come from VAULT_KEYS: add the new version there, restart the gateways, ' +
          'then rewrap (npm run vault:rewrap beside them, or this endpoint without addKey)',
      );
    const file = path.join(this.source.dataDir, VAULT_KEYS_FILE);
    const content = JSON.parse(await readPrivateFile(file)) as Record<string, unknown>;
    const loaded = await loadKeyEncryptionKeys(this.source);
    const version = Math.max(...loaded.versions) + 1;
    const vaultKeys = `${String(content.vaultKeys)},${version}:${randomBytes(KEY_BYTES).toString('base64')}`;
    const aside = `${file}.${process.pid}.tmp`;
    await writeFile(aside, `${JSON.stringify({ ...content, vaultKeys }, null, 2)}\n`, { mode: 0o600 });
    await rename(aside, file);
  }
}
