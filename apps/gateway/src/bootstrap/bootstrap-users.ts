import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import {
  type AccessDirectory,
  hashGatewayKey,
  IssueGatewayKeyCommand,
  OpenAccountCommand,
} from '@gw/accounts';
import { ensurePrivateDir, InsecureFileModeError, readPrivateFile } from '@gw/database';
import { newId } from '@gw/shared-kernel';

export interface BootstrapCredentials {
  readonly admin: { readonly userId: string; readonly apiKey: string };
  readonly user: { readonly userId: string; readonly apiKey: string };
  /** True on the start that created them. */
  readonly created?: boolean;
}

export const credentialsPath = (dataDir: string): string => path.join(dataDir, 'credentials.json');

/**
 * First start: opens an admin and a demo user account, issues each a gateway key, and writes the keys
 * to $DATA_DIR/credentials.json (mode 0600, in a 0700 directory) — the only place the raw keys ever
 * exist. Later starts read that file back so the banner can show them again, and refuse it when group
 * or others may read it. Embedded mode only: full mode generates no keys (BOOTSTRAP_ADMIN_KEY).
 */
export async function bootstrapUsers(
  commands: CommandBus,
  directory: AccessDirectory,
  dataDir: string,
  logger: Logger,
): Promise<BootstrapCredentials | null> {
  const file = credentialsPath(dataDir);
  if (directory.accountCount() > 0) {
    try {
      return JSON.parse(await readPrivateFile(file)) as BootstrapCredentials;
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
          roles: [role],
          tier: role === 'admin' ? 'enterprise' : 'free',
          powerLevel: 'balanced',
        },
        metadata,
      ),
    );
    const issued = await commands.execute(
      new IssueGatewayKeyCommand({ userId, name: 'bootstrap' }, metadata),
    );
    return { userId, apiKey: issued.apiKey };
  };
  const credentials: BootstrapCredentials = {
    admin: await open('admin', 'admin@switchyard.local', 'Administrator'),
    user: await open('user', 'demo@switchyard.local', 'Demo User'),
  };
  await ensurePrivateDir(dataDir);
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  await waitUntil(() =>
    [credentials.admin, credentials.user].every((c) =>
      directory.principalForKeyHash(hashGatewayKey(c.apiKey)),
    ),
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
