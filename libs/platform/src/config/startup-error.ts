import { DataDirLockedError, InsecureFileModeError } from '@gw/database';
import { VaultConfigError } from '@gw/key-vault';
import { ConfigError } from './gateway-config';

const FIXABLE = [ConfigError, DataDirLockedError, InsecureFileModeError, VaultConfigError];

/** Errors a user can fix get their message alone; anything else keeps its stack for a bug report. */
export const describeStartupError = (e: unknown): string =>
  FIXABLE.some((type) => e instanceof type) ? (e as Error).message : ((e as Error).stack ?? String(e));
