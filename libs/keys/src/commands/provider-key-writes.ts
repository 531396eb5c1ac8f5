import { randomUUID } from 'node:crypto';
import { handleCommandNow, type CommandResult, type EventStore } from '@gw/eventstore';
import type { KeyVault, SecretRef } from '@gw/key-vault';
import { fold, type Clock, type EventMetadata } from '@gw/shared-kernel';
import type { ProviderKeyCommand, StoredSecretFacts } from '../domain/provider-key.commands';
import { providerKeyDecider, type UserKeys } from '../domain/provider-key.decider';
import { toKeysStreamId, type ProviderKeyEvent } from '../domain/provider-key.events';

/** Everything a key command needs: the log, the vault, the clock. */
export interface KeyWriteDeps {
  readonly store: EventStore;
  readonly vault: KeyVault;
  readonly clock: Clock;
}

export interface KeyCommandResult {
  readonly keyId: string;
  /** Revision of `keys-<userId>` after the command (the in-memory view waits for it). */
  readonly version: bigint;
  readonly events: readonly ProviderKeyEvent[];
}

/** The vault reference of a user's key: bound to the user, the key (in the secret id) and the provider. */
export const userKeyRef = (userId: string, provider: string, secretId: string): SecretRef => ({
  scope: 'user',
  ownerId: userId,
  secretId,
  provider,
});

/** A fresh secret id for a key: the key id, then a random part (a rotation gets a new row). */
export const newSecretId = (keyId: string): string => `${keyId}.${randomUUID()}`;

/** A user's keys from their own stream, as they are now or as they were at `upToRevision`. */
export async function loadUserKeys(
  store: EventStore,
  userId: string,
  upToRevision?: bigint,
): Promise<UserKeys> {
  const history = await store.readStream(toKeysStreamId(userId));
  return fold(
    providerKeyDecider,
    history
      .filter((e) => upToRevision === undefined || e.revision <= upToRevision)
      .map((e) => e as unknown as ProviderKeyEvent),
  );
}

export function decideOnKeys(
  deps: KeyWriteDeps,
  userId: string,
  metadata: EventMetadata,
  build: (now: Date) => ProviderKeyCommand,
): Promise<CommandResult<ProviderKeyEvent>> {
  return handleCommandNow(
    deps.store,
    toKeysStreamId(userId),
    providerKeyDecider,
    deps.clock,
    metadata,
    build,
  );
}

/**
 * Puts the key into the vault under a fresh secret id, runs the command that points an event at it,
 * and destroys the new row again when no event came to point at it (a refusal, a failed append). The
 * row exists before any event names it.
 */
export async function withStoredUserKey(
  deps: KeyWriteDeps,
  ref: SecretRef,
  apiKey: string,
  run: (stored: StoredSecretFacts) => Promise<CommandResult<ProviderKeyEvent>>,
): Promise<CommandResult<ProviderKeyEvent>> {
  const stored = { secretId: ref.secretId, ...(await deps.vault.put(ref, apiKey)) };
  let used = false;
  try {
    const result = await run(stored);
    used = result.events.some((e) => e.type === 'KeyAdded' || e.type === 'KeyRotated');
    return result;
  } finally {
    if (!used) await deps.vault.destroy(ref);
  }
}

/**
 * Records a live check's outcome. Also called by the gateway itself, off the request path, when a
 * provider refuses a user's key during a chat request.
 */
export async function recordKeyValidation(
  deps: KeyWriteDeps,
  data: Extract<ProviderKeyCommand, { type: 'RecordKeyValidation' }>['data'],
  metadata: EventMetadata,
): Promise<KeyCommandResult> {
  const result = await decideOnKeys(deps, data.userId, metadata, (now) => ({
    type: 'RecordKeyValidation',
    data,
    metadata: { now },
  }));
  return { keyId: data.keyId, version: result.version, events: result.events };
}
