import { createHash } from 'node:crypto';
import type { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import {
  accountDecider,
  hashGatewayKey,
  IssueGatewayKeyCommand,
  OpenAccountCommand,
  RevokeGatewayKeyCommand,
  toAccountStreamId,
  type AccessDirectory,
  type Account,
  type AccountEvent,
} from '@gw/accounts';
import type { EventStore } from '@gw/eventstore';
import { ConfigError, type ConfiguredSecret } from '@gw/platform';
import { IllegalStateError, newId } from '@gw/shared-kernel';
import { waitUntil } from './bootstrap-users';

/** One account, the same on every start and every instance, so that starting again opens nothing. */
export const BOOTSTRAP_ADMIN_USER_ID = '00000000-0000-4000-8000-000000000001';
/** The name of the keys this module issues; only keys of this name are replaced by a new value. */
export const BOOTSTRAP_ADMIN_KEY_NAME = 'BOOTSTRAP_ADMIN_KEY';

/**
 * The key id follows from the key's hash: the same BOOTSTRAP_ADMIN_KEY on a later start (or on a
 * second instance) is the same key id and hash, which the decider treats as already done (no event).
 */
export function bootstrapKeyId(keyHash: string): string {
  const h = createHash('sha256').update(`switchyard bootstrap admin key ${keyHash}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface BootstrapAdminOutcome {
  readonly userId: string;
  readonly keyId: string;
  /** What this start did: all false and 0 when the key was already in force (nothing appended). */
  readonly opened: boolean;
  readonly issued: boolean;
  /** Earlier BOOTSTRAP_ADMIN_KEY values revoked by this start. */
  readonly revoked: number;
}

/**
 * `BOOTSTRAP_ADMIN_KEY`, the operator's master key (LiteLLM's convention): the bootstrap admin's
 * gateway key, stored as its SHA-256 hash like every gateway key. The value in force is the one
 * configured: the same value again appends nothing; a new value is issued and the earlier
 * BOOTSTRAP_ADMIN_KEY values are revoked (other keys of the admin stay); a value revoked before is
 * refused. Unset, nothing changes, and a store with no account at all gets a warning saying how to
 * get an admin. Never logs the key or any part of it.
 */
export async function bootstrapAdmin(
  commands: CommandBus,
  eventStore: EventStore,
  directory: AccessDirectory,
  key: ConfiguredSecret | undefined,
  logger: Logger,
): Promise<BootstrapAdminOutcome | null> {
  if (!key) {
    if (directory.accountCount() === 0)
      logger.warn(
        'no account exists, so nobody can use the admin API: set BOOTSTRAP_ADMIN_KEY to a key of at least ' +
          '32 characters (echo "sk-$(openssl rand -hex 32)") and restart; it becomes the first admin’s gateway key',
      );
    return null;
  }
  const userId = BOOTSTRAP_ADMIN_USER_ID;
  const keyHash = hashGatewayKey(key.reveal());
  const keyId = bootstrapKeyId(keyHash);
  const history = (await eventStore.readStream(toAccountStreamId(userId))) as unknown as AccountEvent[];
  const state = history.reduce<Account>(accountDecider.evolve, accountDecider.initialState());
  const existing = state.status === 'Open' ? state.keys.get(keyId) : undefined;
  if (existing?.revoked)
    throw new ConfigError(
      'BOOTSTRAP_ADMIN_KEY is a key that was revoked (a later BOOTSTRAP_ADMIN_KEY replaced it); a revoked key ' +
        'never comes back. Set a new one: echo "sk-$(openssl rand -hex 32)".',
    );
  const metadata = { correlationId: newId(), actorId: 'system' };

  const opened = state.status === 'None' ? await openAdmin(commands, userId, metadata) : false;
  const issued = existing === undefined;
  if (issued)
    await commands.execute(
      new IssueGatewayKeyCommand(
        { userId, name: BOOTSTRAP_ADMIN_KEY_NAME, keyId, apiKey: key.reveal() },
        metadata,
      ),
    );
  const replaced = earlierBootstrapKeys(history, state, keyId);
  for (const old of replaced)
    await commands.execute(new RevokeGatewayKeyCommand({ userId, keyId: old.keyId }, metadata));

  await waitUntil(
    () => directory.hasActiveKey(keyHash) && replaced.every((old) => !directory.hasActiveKey(old.keyHash)),
  );
  if (opened || issued || replaced.length > 0)
    logger.info(
      { userId, keyId, opened, revokedKeys: replaced.map((old) => old.keyId) },
      'BOOTSTRAP_ADMIN_KEY is the bootstrap admin’s gateway key (stored as its SHA-256 hash)',
    );
  return { userId, keyId, opened, issued, revoked: replaced.length };
}

/** False when another instance opened it first. */
async function openAdmin(
  commands: CommandBus,
  userId: string,
  metadata: { correlationId: string; actorId: string },
): Promise<boolean> {
  try {
    await commands.execute(
      new OpenAccountCommand(
        {
          userId,
          email: 'bootstrap-admin@switchyard.local',
          displayName: 'Bootstrap admin',
          roles: ['admin'],
          tier: 'enterprise',
          powerLevel: 'balanced',
        },
        metadata,
      ),
    );
    return true;
  } catch (e) {
    if (e instanceof IllegalStateError && e.code === 'ACCOUNTS.ALREADY_OPEN') return false;
    throw e;
  }
}

/** Active keys issued under BOOTSTRAP_ADMIN_KEY before, other than the one configured now. */
function earlierBootstrapKeys(
  history: readonly AccountEvent[],
  state: Account,
  current: string,
): { keyId: string; keyHash: string }[] {
  if (state.status !== 'Open') return [];
  return history.flatMap((e) =>
    e.type === 'GatewayKeyIssued' &&
    e.data.name === BOOTSTRAP_ADMIN_KEY_NAME &&
    e.data.keyId !== current &&
    state.keys.get(e.data.keyId)?.revoked === false
      ? [{ keyId: e.data.keyId, keyHash: e.data.keyHash }]
      : [],
  );
}
