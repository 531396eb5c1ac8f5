import { DataDirLockedError } from '@gw/database';
import { ConfigError } from './gateway-config';

/** Errors a user can fix get their message alone; anything else keeps its stack for a bug report. */
export const describeStartupError = (e: unknown): string =>
  e instanceof ConfigError || e instanceof DataDirLockedError ? e.message : ((e as Error).stack ?? String(e));
