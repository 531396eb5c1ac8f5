import { AuditCheckpointStore, type EventStore } from '@gw/eventstore';
import { describeStartupError, loadConfig, openStores, type GatewayConfig } from '@gw/platform';
import {
  assertStreamId,
  readAuditStream,
  type AuditStreamView,
  type AuditVerification,
} from '../audit/audit-stream';
import { createLogger } from '../logging/logger';

/** `--all`, or one stream id. */
export type VerifyTarget = { readonly all: true } | { readonly streamId: string };

export const USAGE = 'usage: npm run audit:verify -- <streamId> | --all';

export function parseVerifyArgs(args: readonly string[]): VerifyTarget | undefined {
  if (args.length !== 1) return undefined;
  const [arg] = args as [string];
  if (arg === '--all') return { all: true };
  return arg.startsWith('-') ? undefined : { streamId: arg };
}

const verdict = (view: AuditStreamView): string => {
  const { firstBreak, events, unkeyedLinks, checkpoint } = view.chain;
  if (firstBreak) return `BROKEN at revision ${firstBreak.revision}: ${firstBreak.reason}`;
  const notes = [
    `${events} events`,
    ...(unkeyedLinks > 0 ? [`${unkeyedLinks} unkeyed`] : []),
    ...(checkpoint ? [`signed through revision ${checkpoint.revision}`] : []),
  ];
  return `verified (${notes.join(', ')})`;
};

/** Page size when walking every stream. */
const PAGE = 200;

/**
 * Prints and verifies one stream (every event: revision, time, type, actor) or every stream (one line
 * each): every link with the chain key, and each stream against its newest signed checkpoint. Resolves
 * with the exit code: 0 when every chain holds, 1 when one breaks or the stream is missing.
 */
export async function auditVerify(
  store: EventStore,
  audit: AuditVerification,
  target: VerifyTarget,
  write: (line: string) => void,
): Promise<number> {
  if ('streamId' in target) {
    const view = await readAuditStream(store, assertStreamId(target.streamId), audit);
    if (view.events.length === 0 && view.chain.checkpoint === null) {
      write(`${target.streamId}: no such stream`);
      return 1;
    }
    for (const e of view.events) {
      const actor = `${e.metadata.actorKind ?? 'actor'} ${e.metadata.actorId}`;
      const from = e.metadata.sourceIp === undefined ? '' : ` from ${e.metadata.sourceIp}`;
      write(`${String(e.revision).padStart(6)}  ${e.occurredAt}  ${e.type}  by ${actor}${from}`);
    }
    write(`${view.streamId}: ${verdict(view)}`);
    return view.chain.verified ? 0 : 1;
  }
  let [streams, broken, after] = [0, 0, undefined as string | undefined];
  for (;;) {
    const ids = await store.listStreams({ after, limit: PAGE });
    for (const streamId of ids) {
      const view = await readAuditStream(store, streamId, audit);
      streams += 1;
      if (!view.chain.verified) broken += 1;
      write(`${streamId}: ${verdict(view)}`);
    }
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1];
  }
  // A signed stream with no event left is in no listing of the store: its checkpoint remembers it.
  for (after = undefined; ;) {
    const ids = await audit.checkpoints.listStreams({ after, limit: PAGE });
    for (const streamId of ids) {
      if ((await store.readStream(streamId, { maxCount: 1 })).length > 0) continue;
      const view = await readAuditStream(store, streamId, audit);
      streams += 1;
      broken += 1;
      write(`${streamId}: ${verdict(view)}`);
    }
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1];
  }
  write(`${streams} stream(s), ${broken} broken`);
  return broken === 0 ? 0 : 1;
}

/**
 * Opens the configured event store (embedded mode: stop the gateway first; PGlite allows one process)
 * with the audit keys (AUDIT_CHAIN_KEY / AUDIT_SIGNING_KEY, or embedded mode's audit-keys.json).
 */
export async function runAuditVerify(config: GatewayConfig, target: VerifyTarget): Promise<number> {
  const logger = createLogger(config.logLevel, 'switchyard-audit');
  const stores = await openStores(config, logger, 'audit:verify', { auditKeys: 'required' });
  const keys = stores.auditKeys!;
  const audit: AuditVerification = {
    chainKey: keys.chainKey,
    verifier: keys.signingKey.verifyKey,
    checkpoints: new AuditCheckpointStore(stores.knex),
  };
  try {
    return await auditVerify(stores.eventStore, audit, target, (line) => process.stdout.write(`${line}\n`));
  } finally {
    await stores.close();
  }
}

/** `npm run audit:verify -- <streamId> | --all` */
if (require.main === module) {
  const target = parseVerifyArgs(process.argv.slice(2));
  if (!target) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  runAuditVerify(loadConfig(), target).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`Audit verification failed: ${describeStartupError(e)}\n`);
      process.exit(1);
    },
  );
}
