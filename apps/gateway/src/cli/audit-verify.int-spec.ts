import { randomUUID } from 'node:crypto';
import { describeBackends } from '@gw/database/testing';
import {
  AuditCheckpointer,
  AuditCheckpointStore,
  PostgresEventStore,
  eventHash,
  type EventStore,
} from '@gw/eventstore';
import { anEvent, testAuditKeys } from '@gw/eventstore/testing';
import type { RecordedEvent } from '@gw/shared-kernel';
import { openTestStore } from '../../../../libs/eventstore/src/adapters/postgres/postgres-test-support';
import type { AuditVerification } from '../audit/audit-stream';
import { auditVerify, parseVerifyArgs } from './audit-verify';

/** What altering one column of a stored row looks like, in SQL on the `events` table. */
const ALTERATIONS: ReadonlyArray<[string, string]> = [
  ['data', `data = jsonb_set(data::jsonb, '{n}', '42')::json`],
  ['type', `type = 'SomethingElse'`],
  ['metadata', `metadata = jsonb_set(metadata::jsonb, '{actorId}', '"mallory"')::json`],
  ['chain hash', `metadata = jsonb_set(metadata::jsonb, '{chain,hash}', to_jsonb(repeat('0', 64)))::json`],
  ['occurred_at', `occurred_at = occurred_at + interval '1 second'`],
  ['version', `version = version + 1`],
];

describeBackends('npm run audit:verify', (kind) => {
  let fixture: Awaited<ReturnType<typeof openTestStore>>;
  /** The store as the gateway has it: keyed links, appends to audited streams noted for checkpoints. */
  let store: EventStore;
  let checkpointer: AuditCheckpointer;
  let audit: AuditVerification;
  const keys = testAuditKeys();
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  beforeAll(async () => {
    fixture = await openTestStore(kind, { chainKey: keys.chainKey });
    const checkpoints = new AuditCheckpointStore(fixture.knex);
    checkpointer = new AuditCheckpointer(fixture.store, checkpoints, keys.signingKey, {
      intervalMs: 3_600_000,
      onError,
    });
    store = checkpointer.wrap();
    audit = { chainKey: keys.chainKey, verifier: keys.signingKey.verifyKey, checkpoints };
  });
  afterAll(async () => {
    await checkpointer.close();
    await fixture.cleanup();
    expect(errors).toEqual([]);
  });

  const run = async (args: string[]) => {
    const lines: string[] = [];
    const target = parseVerifyArgs(args);
    if (!target) throw new Error(`bad args ${args.join(' ')}`);
    const code = await auditVerify(fixture.store, audit, target, (l) => lines.push(l));
    return { code, lines };
  };

  const aStream = async (events = 4, category = 'audited'): Promise<string> => {
    const streamId = `${category}-${randomUUID()}`;
    const metadata = {
      correlationId: randomUUID(),
      actorId: 'u-1',
      actorKind: 'user' as const,
      sourceIp: '10.0.0.1',
    };
    await store.append({
      streamId,
      events: Array.from({ length: events }, (_, i) =>
        anEvent({ type: `Step${i}`, data: { n: i }, metadata }),
      ),
    });
    return streamId;
  };

  /** An audited stream (`account-…`) whose head the checkpointer has signed. */
  const aSignedStream = async (events = 4): Promise<string> => {
    const streamId = await aStream(events, 'account');
    await checkpointer.flush();
    return streamId;
  };

  /**
   * The attack of issue 16, in SQL: change revision `from`'s data, then recompute the plain SHA-256
   * link of it and of every later event up to `to` (all anyone without the chain key can compute),
   * each row's link marker kept as it was. Rows are written as JSON text in the store's member order.
   */
  const rewriteAndRehash = async (streamId: string, from: number, to = Infinity): Promise<void> => {
    const events = await fixture.store.readStream(streamId);
    let prev: string | null = from === 0 ? null : events[from - 1]!.metadata.chain!.hash;
    for (const e of events.slice(from, to)) {
      const data = e.revision === BigInt(from) ? { ...(e.data as object), n: 1000 } : e.data;
      const hash = eventHash({ ...e, data }, e.streamId, e.revision, prev);
      const metadata = { ...e.metadata, chain: { ...e.metadata.chain!, prev, hash } };
      await fixture.knex.raw(
        'update events set data = ?::json, metadata = ?::json where stream_id = ? and stream_revision = ?',
        [JSON.stringify(data), JSON.stringify(metadata), streamId, e.revision.toString()],
      );
      prev = hash;
    }
  };

  it('prints a stream with its actors and verifies it (exit 0)', async () => {
    const streamId = await aStream();
    const { code, lines } = await run([streamId]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\s+0 {2}2026-01-02T03:04:05\.678Z {2}Step0 {2}by user u-1 from 10\.0\.0\.1$/);
    expect(lines[4]).toBe(`${streamId}: verified (4 events)`);
  });

  it.each(ALTERATIONS)(
    'reports the revision whose %s was altered in its row (exit 1)',
    async (_what, set) => {
      const streamId = await aStream();
      await fixture.knex.raw(`update events set ${set} where stream_id = ? and stream_revision = 2`, [
        streamId,
      ]);
      const { code, lines } = await run([streamId]);
      expect(code).toBe(1);
      expect(lines[lines.length - 1]).toBe(`${streamId}: BROKEN at revision 2: hash_mismatch`);
    },
  );

  it('detects a rewrite-and-rehash: a payload edited and every later link recomputed (exit 1)', async () => {
    const streamId = await aSignedStream();
    await rewriteAndRehash(streamId, 1);
    const { code, lines } = await run([streamId]);
    expect(code).toBe(1);
    expect(lines[lines.length - 1]).toBe(`${streamId}: BROKEN at revision 1: hash_mismatch`);
  });

  it('detects a deleted tail: the stream falls short of its signed checkpoint (exit 1)', async () => {
    const streamId = await aSignedStream(5);
    expect((await run([streamId])).lines.at(-1)).toBe(
      `${streamId}: verified (5 events, signed through revision 4)`,
    );
    await fixture.knex.raw('delete from events where stream_id = ? and stream_revision >= 3', [streamId]);
    const { code, lines } = await run([streamId]);
    expect(code).toBe(1);
    expect(lines[lines.length - 1]).toBe(`${streamId}: BROKEN at revision 3: checkpoint_not_reached`);
    // Every event gone: the checkpoint still says the stream existed.
    await fixture.knex.raw('delete from events where stream_id = ?', [streamId]);
    expect((await run([streamId])).lines.at(-1)).toBe(
      `${streamId}: BROKEN at revision 0: checkpoint_not_reached`,
    );
  });

  it('detects a checkpoint rewritten to match the shortened stream (its signature no longer holds)', async () => {
    const streamId = await aSignedStream(5);
    await fixture.knex.raw('delete from events where stream_id = ? and stream_revision >= 3', [streamId]);
    const [last] = await fixture.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    await fixture.knex.raw('update audit_checkpoints set revision = 2, link = ? where stream_id = ?', [
      last!.metadata.chain!.hash,
      streamId,
    ]);
    const { code, lines } = await run([streamId]);
    expect(code).toBe(1);
    expect(lines[lines.length - 1]).toBe(`${streamId}: BROKEN at revision 2: checkpoint_invalid`);
  });

  it('still verifies events written with unkeyed links before keyed chains, and says how many', async () => {
    const streamId = `account-${randomUUID()}`;
    // A store without the key writes links as every version before issue 16 did.
    const legacy = new PostgresEventStore(fixture.knex);
    await legacy.append({ streamId, events: [anEvent({ data: { n: 0 } }), anEvent({ data: { n: 1 } })] });
    await store.append({ streamId, events: [anEvent({ data: { n: 2 } })] });
    const events: RecordedEvent[] = await fixture.store.readStream(streamId);
    expect(events.map((e) => e.metadata.chain?.alg)).toEqual([undefined, undefined, 'hmac-sha256']);
    await checkpointer.flush();
    const { code, lines } = await run([streamId]);
    expect([code, lines.at(-1)]).toEqual([
      0,
      `${streamId}: verified (3 events, 2 unkeyed, signed through revision 2)`,
    ]);
    // Legacy links edited and re-hashed: the keyed link after them still names the old hash, and
    // re-hashing that one too cannot make an HMAC.
    await rewriteAndRehash(streamId, 0, 2);
    expect((await run([streamId])).lines.at(-1)).toBe(`${streamId}: BROKEN at revision 2: prev_mismatch`);
    await rewriteAndRehash(streamId, 2);
    expect((await run([streamId])).lines.at(-1)).toBe(`${streamId}: BROKEN at revision 2: hash_mismatch`);
  });

  it('signs at start what is behind (sealAll), and a pass signs nothing for a stream whose tail vanished', async () => {
    const streamId = `keys-${randomUUID()}`;
    await new PostgresEventStore(fixture.knex, { chainKey: keys.chainKey }).append({
      streamId,
      events: [anEvent(), anEvent()],
    });
    expect((await run([streamId])).lines.at(-1)).toBe(`${streamId}: verified (2 events)`);
    expect(await checkpointer.sealAll()).toBeGreaterThanOrEqual(1);
    expect((await run([streamId])).lines.at(-1)).toBe(
      `${streamId}: verified (2 events, signed through revision 1)`,
    );

    const missing: string[] = [];
    const watching = new AuditCheckpointer(
      fixture.store,
      new AuditCheckpointStore(fixture.knex),
      keys.signingKey,
      {
        intervalMs: 3_600_000,
        onError,
        onTailMissing: (id) => missing.push(id),
      },
    );
    const other = `model-${randomUUID()}`;
    const intact = `provider-${randomUUID()}`;
    await watching.wrap().append({ streamId: other, events: [anEvent(), anEvent()] });
    await watching.wrap().append({ streamId: intact, events: [anEvent(), anEvent(), anEvent()] });
    const chat = `request-${randomUUID()}`;
    await watching.wrap().append({ streamId: chat, events: [anEvent()] });
    await fixture.knex.raw('delete from events where stream_id = ? and stream_revision = 1', [other]);
    await watching.close();
    expect(missing).toEqual([other]);
    // Closing signed what was noted: the intact stream, and no request stream.
    const checkpoints = new AuditCheckpointStore(fixture.knex);
    expect(await checkpoints.get(intact)).toMatchObject({ streamId: intact, revision: 2n });
    expect(await checkpoints.get(other)).toBeNull();
    expect(await checkpoints.get(chat)).toBeNull();
  });

  it('reports a removed row at the revision where the gap is', async () => {
    const streamId = await aStream();
    await fixture.knex.raw('delete from events where stream_id = ? and stream_revision = 1', [streamId]);
    const { code, lines } = await run([streamId]);
    expect(code).toBe(1);
    expect(lines[lines.length - 1]).toBe(`${streamId}: BROKEN at revision 2: revision_gap`);
  });

  it('--all walks every stream and fails when one of them breaks', async () => {
    const good = await aStream(2);
    const bad = await aStream(3);
    await fixture.knex.raw(`update events set type = 'X' where stream_id = ? and stream_revision = 1`, [bad]);
    const { code, lines } = await run(['--all']);
    expect(code).toBe(1);
    expect(lines).toContain(`${good}: verified (2 events)`);
    expect(lines).toContain(`${bad}: BROKEN at revision 1: hash_mismatch`);
    expect(lines[lines.length - 1]).toMatch(/^\d+ stream\(s\), [1-9]\d* broken$/);
  });

  it('--all also reports a signed stream whose every event was deleted', async () => {
    const gone = await aSignedStream(2);
    await fixture.knex.raw('delete from events where stream_id = ?', [gone]);
    const { code, lines } = await run(['--all']);
    expect(code).toBe(1);
    expect(lines).toContain(`${gone}: BROKEN at revision 0: checkpoint_not_reached`);
  });

  it('says so for a stream that does not exist, and refuses bad arguments', async () => {
    expect(await run([`audited-${randomUUID()}`])).toMatchObject({ code: 1 });
    expect(parseVerifyArgs([])).toBeUndefined();
    expect(parseVerifyArgs(['--everything'])).toBeUndefined();
    expect(parseVerifyArgs(['a-1', 'b-2'])).toBeUndefined();
  });
});
