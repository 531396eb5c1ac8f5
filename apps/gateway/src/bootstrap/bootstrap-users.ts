import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import {
  type AccessDirectory,
  hashGatewayKey,
  IssueGatewayKeyCommand,
  type LocalCredentials,
  OpenAccountCommand,
} from '@gw/accounts';
import { ensurePrivateDir, InsecureFileModeError, readPrivateFile } from '@gw/database';
import { newId } from '@gw/shared-kernel';

/** A bootstrap account: its gateway key, and its local sign-in (username `admin` or `demo`). */
export interface BootstrapAccount {
  readonly userId: string;
  readonly apiKey: string;
  readonly username?: string;
  readonly password?: string;
}

export interface BootstrapCredentials {
  readonly admin: BootstrapAccount;
  readonly user: BootstrapAccount;
  /** True on the start that created them. */
  readonly created?: boolean;
}

export const credentialsPath = (dataDir: string): string => path.join(dataDir, 'credentials.json');

/** A generated sign-in password: 18 random bytes, base64url (24 characters). */
const generatePassword = (): string => randomBytes(18).toString('base64url');

const USERNAMES = { admin: 'admin', user: 'demo' } as const;

/**
 * First start: opens an admin and a demo user account, issues each a gateway key and a sign-in
 * password (usernames `admin` and `demo`), and writes them to $DATA_DIR/credentials.json (mode 0600,
 * in a 0700 directory) — the only place the raw keys and passwords ever exist. Later starts read that
 * file back so the banner can show them again, and refuse it when group or others may read it; a
 * file from before local sign-in (no passwords) gets its passwords on that start. Embedded mode only:
 * full mode generates no keys (BOOTSTRAP_ADMIN_KEY).
 */
export async function bootstrapUsers(
  commands: CommandBus,
  directory: AccessDirectory,
  dataDir: string,
  logger: Logger,
  localCredentials?: LocalCredentials,
): Promise<BootstrapCredentials | null> {
  const file = credentialsPath(dataDir);
  if (directory.accountCount() > 0) {
    try {
      const saved = JSON.parse(await readPrivateFile(file)) as BootstrapCredentials;
      return localCredentials ? await addMissingPasswords(saved, file, localCredentials, logger) : saved;
    } catch (e) {
      if (e instanceof InsecureFileModeError) throw e;
      logger.warn(
        { file },
        'accounts exist but the bootstrap credentials file is missing; issue new keys through the admin API',
      );
      return null;
    }
  }
  const metadata = { correlationId: newId(), actorId: 'system' };
  const open = async (role: 'admin' | 'user', email: string, displayName: string) => {
    const userId = newId();
    await commands.execute(
      new OpenAccountCommand(
        {
          userId,
          email,
          displayName,
          // The sign-in name, on the account too: admins find and see it on /admin/users.
          ...(localCredentials && { username: USERNAMES[role] }),
          roles: [role],
          // The demo user shows everything a paying user gets: all three power levels and BYOK.
          tier: role === 'admin' ? 'enterprise' : 'professional',
          powerLevel: 'balanced',
        },
        metadata,
      ),
    );
    const issued = await commands.execute(
      new IssueGatewayKeyCommand({ userId, name: 'bootstrap' }, metadata),
    );
    const account = { userId, apiKey: issued.apiKey };
    if (!localCredentials) return account;
    const sign = { username: USERNAMES[role], password: generatePassword() };
    await localCredentials.set(userId, sign.username, sign.password);
    return { ...account, ...sign };
  };
  // One after the other: each password hash is scrypt with 128 MiB of memory (N=2^17, r=8); side by
  // side they doubled the gateway's peak RSS at first start for ~0.3 s saved.
  const admin = await open('admin', 'admin@switchyard.local', 'Administrator');
  const user = await open('user', 'demo@switchyard.local', 'Demo User');
  const credentials: BootstrapCredentials = { admin, user };
  await ensurePrivateDir(dataDir);
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  await waitUntil(() =>
    [credentials.admin, credentials.user].every((c) => directory.hasActiveKey(hashGatewayKey(c.apiKey))),
  );
  return { ...credentials, created: true };
}

/** Polls a condition on in-memory state the event feeds update (start-up only). */
export async function waitUntil(condition: () => unknown, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error('The access directory did not catch up with the bootstrap accounts');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Data directories from before local sign-in: their bootstrap accounts get passwords now. */
async function addMissingPasswords(
  saved: BootstrapCredentials,
  file: string,
  localCredentials: LocalCredentials,
  logger: Logger,
): Promise<BootstrapCredentials> {
  if (saved.admin.password && saved.user.password) return saved;
  const withPassword = async (account: BootstrapAccount, username: string): Promise<BootstrapAccount> => {
    if (account.password) return account;
    const password = generatePassword();
    await localCredentials.set(account.userId, username, password);
    return { ...account, username, password };
  };
  // One after the other, as at first start: two 128 MiB scrypt runs at once double the peak RSS.
  const admin = await withPassword(saved.admin, USERNAMES.admin);
  const user = await withPassword(saved.user, USERNAMES.user);
  const updated: BootstrapCredentials = { admin, user };
  await writeFile(file, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  logger.info({ file }, 'sign-in passwords created for the bootstrap accounts');
  return { ...updated, created: true };
}
