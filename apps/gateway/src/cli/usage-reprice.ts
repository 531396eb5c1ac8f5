import { parseArgs } from 'node:util';
import { describeStartupError, loadConfig, openStores, type GatewayConfig } from '@gw/platform';
import { newId, systemClock } from '@gw/shared-kernel';
import { repriceUsageRange, type RepriceRange } from '@gw/usage-billing';
import { createLogger } from '../logging/logger';

export const USAGE =
  'usage: npm run usage:reprice -- --model <provider/model> --from <ISO date> --to <ISO date> [--reason <text>] [--dry-run]';

const date = (value: string | undefined): Date | undefined => {
  if (value === undefined || !/^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d)?)?$/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** The range to reprice, or a message saying what is wrong with the arguments. */
export function parseRepriceArgs(args: readonly string[]): RepriceRange | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        model: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        reason: { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (e) {
    return { error: (e as Error).message };
  }
  const from = date(values.from);
  const to = date(values.to);
  if (!values.model || !values.model.includes('/'))
    return { error: '--model must be a catalog id, provider/model' };
  if (!from) return { error: '--from must be an ISO 8601 date, e.g. 2026-11-01' };
  if (!to) return { error: '--to must be an ISO 8601 date, e.g. 2026-12-01' };
  if (from >= to) return { error: '--from must be before --to' };
  return {
    modelId: values.model,
    from,
    to,
    reason: values.reason ?? 'price correction',
    dryRun: values['dry-run'] === true,
  };
}

/** Opens the configured event store (embedded mode: stop the gateway first; PGlite allows one process). */
export async function runUsageReprice(config: GatewayConfig, range: RepriceRange): Promise<number> {
  const logger = createLogger(config.logLevel, 'switchyard-reprice');
  const stores = await openStores(config, logger, 'usage:reprice', { auditKeys: 'required' });
  try {
    const outcome = await repriceUsageRange(stores.eventStore, range, systemClock, {
      correlationId: newId(),
      actorId: 'usage:reprice',
      actorKind: 'system',
    });
    const verb = range.dryRun ? 'would reprice' : 'repriced';
    process.stdout.write(
      `${range.modelId} at price version ${outcome.priceVersion}: ${outcome.scanned} request(s) in range, ` +
        `${verb} ${outcome.repriced}; cost ${signed(outcome.deltaCostMicros)} µ$, charge ${signed(outcome.deltaChargedMicros)} µ$` +
        (outcome.conflicts > 0 ? `; ${outcome.conflicts} changed meanwhile: run again` : '') +
        '\n',
    );
    return outcome.conflicts > 0 ? 1 : 0;
  } finally {
    await stores.close();
  }
}

const signed = (micros: bigint): string => (micros >= 0n ? `+${micros}` : `${micros}`);

/** `npm run usage:reprice -- --model … --from … --to …` */
if (require.main === module) {
  const range = parseRepriceArgs(process.argv.slice(2));
  if ('error' in range) {
    process.stderr.write(`${range.error}\n${USAGE}\n`);
    process.exit(2);
  }
  runUsageReprice(loadConfig(), range).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`Repricing failed: ${describeStartupError(e)}\n`);
      process.exit(1);
    },
  );
}
