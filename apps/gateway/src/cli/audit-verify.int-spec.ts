import { randomUUID } from 'node:crypto';
import { describeBackends } from '@gw/database/testing';
import { anEvent } from '@gw/eventstore/testing';
import { openTestStore } from '../../../../libs/eventstore/src/adapters/postgres/postgres-test-support';
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
  beforeAll(async () => {
    fixture = await openTestStore(kind);
  });
  afterAll(() => fixture.cleanup());

  const run = async (args: string[]) => {
    const lines: string[] = [];
    const target = parseVerifyArgs(args);
    if (!target) throw new Error(`bad args ${args.join(' ')}`);
    const code = await auditVerify(fixture.store, target, (l) => lines.push(l));
    return { code, lines };
  };

  const aStream = async (events = 4): Promise<string> => {
    const streamId = `audited-${randomUUID()}`;
    const metadata = {
      correlationId: randomUUID(),
      actorId: 'u-1',
      actorKind: 'user' as const,
      sourceIp: '10.0.0.1',
    };
    await fixture.store.append({
      streamId,
      events: Array.from({ length: events }, (_, i) =>
        anEvent({ type: `Step${i}`, data: { n: i }, metadata }),
      ),
    });
    return streamId;
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

  it('says so for a stream that does not exist, and refuses bad arguments', async () => {
    expect(await run([`audited-${randomUUID()}`])).toMatchObject({ code: 1 });
    expect(parseVerifyArgs([])).toBeUndefined();
    expect(parseVerifyArgs(['--everything'])).toBeUndefined();
    expect(parseVerifyArgs(['a-1', 'b-2'])).toBeUndefined();
  });
});
