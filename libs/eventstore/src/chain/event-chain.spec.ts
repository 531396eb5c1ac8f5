import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import type { NewEvent, RecordedEvent } from '@gw/shared-kernel';
import { ChainKey, CheckpointSigningKey } from './audit-keys';
import { signCheckpoint, type AuditCheckpoint } from './checkpoint';
import { chainEvents, eventHash, verifyChain } from './event-chain';
import { anEvent, testAuditKeys } from '../testing/contract-fixtures';

const recorded = (events: readonly NewEvent[], streamId: string, key?: ChainKey): RecordedEvent[] =>
  chainEvents(events, streamId, 0n, null, undefined, undefined, key).map((e, i) => ({
    ...e,
    streamId,
    revision: BigInt(i),
    position: { commit: BigInt(i), prepare: BigInt(i) },
  }));

/** What every store hands back: data and metadata through JSON text. */
const readBack = (e: RecordedEvent): RecordedEvent => ({
  ...e,
  data: JSON.parse(JSON.stringify(e.data ?? null)) as unknown,
  metadata: JSON.parse(JSON.stringify(e.metadata)) as RecordedEvent['metadata'],
  occurredAt: new Date(e.occurredAt.toISOString()),
});

describe('eventHash', () => {
  it('is the same for an event and for what a store reads back from JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (data, actorId) => {
        const [event] = recorded(
          [anEvent({ data, metadata: { correlationId: 'c', actorId, causationId: undefined } })],
          's-1',
        );
        expect(verifyChain([readBack(event!)])).toMatchObject({ verified: true });
      }),
      { numRuns: 300 },
    );
  });

  it('covers the place, the envelope, the metadata and the data', () => {
    const event = anEvent({ data: { a: 1 } });
    const base = eventHash(event, 's-1', 0n, null);
    const variants = [
      eventHash(event, 's-2', 0n, null),
      eventHash(event, 's-1', 1n, null),
      eventHash(event, 's-1', 0n, 'a'.repeat(64)),
      eventHash({ ...event, type: 'Other' }, 's-1', 0n, null),
      eventHash({ ...event, version: 2 }, 's-1', 0n, null),
      eventHash({ ...event, occurredAt: new Date(event.occurredAt.getTime() + 1) }, 's-1', 0n, null),
      eventHash({ ...event, metadata: { ...event.metadata, actorId: 'x' } }, 's-1', 0n, null),
      eventHash({ ...event, data: { a: 2 } }, 's-1', 0n, null),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    // Upper-case ids (the in-memory store keeps them as given) hash as Postgres returns them.
    expect(eventHash({ ...event, id: event.id.toUpperCase() }, 's-1', 0n, null)).toBe(base);
    // The chain link itself is not hashed: re-chaining an event read back gives the same hash.
    expect(
      eventHash(
        { ...event, metadata: { ...event.metadata, chain: { prev: null, hash: base } } },
        's-1',
        0n,
        null,
      ),
    ).toBe(base);
  });
});

describe('chainEvents and verifyChain', () => {
  it('verifies a chain it made, and leaves the caller’s events alone', () => {
    const events = [anEvent(), anEvent(), anEvent()];
    const chained = recorded(events, 's-1');
    expect(events.every((e) => e.metadata.chain === undefined)).toBe(true);
    expect(verifyChain(chained)).toEqual({
      verified: true,
      events: 3,
      firstBreak: null,
      keyedLinks: 0,
      unkeyedLinks: 3,
      checkpoint: null,
    });
    expect(verifyChain([])).toMatchObject({ verified: true, events: 0, firstBreak: null });
  });

  it('hands back each metadata as the JSON text JSON.stringify gives for the chained event', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.option(fc.constant({ prev: null, hash: 'stale' })),
        (extra, chain) => {
          const metadata = { ...extra, correlationId: 'c', actorId: 'a', ...(chain && { chain }) };
          const json: string[] = [];
          const chained = chainEvents([anEvent({ metadata }), anEvent()], 's-1', 0n, null, undefined, json);
          expect(json).toEqual(chained.map((e) => JSON.stringify(e.metadata)));
        },
      ),
    );
  });

  it('finds a stream that does not start at prev = null', () => {
    const events = recorded([anEvent(), anEvent()], 's-1');
    const first = events[0]!;
    const moved = { ...first, metadata: { ...first.metadata, chain: { prev: 'ab'.repeat(32), hash: 'x' } } };
    expect(verifyChain([moved, ...events.slice(1)]).firstBreak).toEqual({
      revision: 0n,
      reason: 'prev_mismatch',
    });
  });
});

/**
 * The attacker of issue 16 can write the events table but holds neither audit key: they edit a
 * payload and recompute every later link the way the links are computed, or delete a stream's tail.
 */
describe('keyed links and signed checkpoints', () => {
  const keys = testAuditKeys();
  const key = keys.chainKey;
  const streamId = 'account-u1';
  const stream = (n = 4): RecordedEvent[] =>
    recorded(
      Array.from({ length: n }, (_, i) => anEvent({ type: `Step${i}`, data: { n: i } })),
      streamId,
      key,
    ).map(readBack);
  /** Recomputes every link from `from` on with plain SHA-256 (all a key-less attacker can compute). */
  const rehashed = (events: readonly RecordedEvent[], from: number, asKeyed: boolean): RecordedEvent[] => {
    const out = events.slice(0, from);
    let prev = from === 0 ? null : events[from - 1]!.metadata.chain!.hash;
    for (const e of events.slice(from)) {
      const hash = eventHash(e, e.streamId, e.revision, prev);
      const chain = asKeyed ? { prev, hash, alg: 'hmac-sha256' as const } : { prev, hash };
      out.push({ ...e, metadata: { ...e.metadata, chain } });
      prev = hash;
    }
    return out;
  };
  const checkpointOf = (events: readonly RecordedEvent[], signer = keys.signingKey): AuditCheckpoint => {
    const last = events[events.length - 1]!;
    return signCheckpoint(
      signer,
      { streamId, revision: last.revision, link: last.metadata.chain!.hash },
      new Date('2026-12-06T20:00:00.000Z'),
    );
  };
  const withCheckpoint = (stored: AuditCheckpoint) => ({
    key,
    checkpoint: { stored, verifier: keys.signingKey.verifyKey },
  });

  it('writes keyed links that verify with the key, and only with it', () => {
    const events = stream();
    expect(events.every((e) => e.metadata.chain?.alg === 'hmac-sha256')).toBe(true);
    expect(verifyChain(events, { key })).toMatchObject({ verified: true, keyedLinks: 4, unkeyedLinks: 0 });
    expect(verifyChain(events, { key: new ChainKey(randomBytes(32)) }).firstBreak).toEqual({
      revision: 0n,
      reason: 'hash_mismatch',
    });
    expect(verifyChain(events).firstBreak).toEqual({ revision: 0n, reason: 'key_unavailable' });
  });

  it('detects a rewrite-and-rehash: a payload edited and every later link recomputed', () => {
    const events = stream();
    const edited = events.map((e) => (e.revision === 1n ? { ...e, data: { n: 1, admin: true } } : e));
    // Still claiming to be keyed: the recomputed SHA-256 is no HMAC under the key.
    expect(verifyChain(rehashed(edited, 1, true), { key }).firstBreak).toEqual({
      revision: 1n,
      reason: 'hash_mismatch',
    });
    // Posing as links from before keyed chains: a downgrade after a keyed link.
    expect(verifyChain(rehashed(edited, 1, false), { key }).firstBreak).toEqual({
      revision: 1n,
      reason: 'downgraded_link',
    });
    // The whole stream re-hashed as legacy links: only the signed checkpoint catches it.
    const checkpoint = checkpointOf(events);
    expect(verifyChain(rehashed(edited, 0, false), { key })).toMatchObject({ verified: true });
    expect(verifyChain(rehashed(edited, 0, false), withCheckpoint(checkpoint)).firstBreak).toEqual({
      revision: 3n,
      reason: 'checkpoint_mismatch',
    });
  });

  it('detects a deleted tail: the stream falls short of its signed checkpoint', () => {
    const events = stream(5);
    const checkpoint = checkpointOf(events);
    expect(verifyChain(events, withCheckpoint(checkpoint))).toMatchObject({
      verified: true,
      checkpoint: { revision: 4n, signedAt: checkpoint.signedAt },
    });
    const cut = verifyChain(events.slice(0, 3), withCheckpoint(checkpoint));
    expect(cut).toMatchObject({
      verified: false,
      firstBreak: { revision: 3n, reason: 'checkpoint_not_reached' },
    });
    // Without the checkpoint the shortened stream would look whole.
    expect(verifyChain(events.slice(0, 3), { key })).toMatchObject({ verified: true });
    expect(verifyChain([], withCheckpoint(checkpoint)).firstBreak).toEqual({
      revision: 0n,
      reason: 'checkpoint_not_reached',
    });
  });

  it('refuses a checkpoint that was not signed by the signing key, or was altered', () => {
    const events = stream(5);
    const short = events.slice(0, 3);
    const forged = checkpointOf(short, CheckpointSigningKey.fromSeed(randomBytes(32)));
    expect(verifyChain(short, withCheckpoint(forged)).firstBreak).toEqual({
      revision: 2n,
      reason: 'checkpoint_invalid',
    });
    const genuine = checkpointOf(events);
    const lowered = { ...genuine, revision: 2n, link: short[2]!.metadata.chain!.hash };
    expect(verifyChain(short, withCheckpoint(lowered)).firstBreak).toEqual({
      revision: 2n,
      reason: 'checkpoint_invalid',
    });
    const elsewhere = { ...genuine, streamId: 'account-u2' };
    expect(verifyChain(events, withCheckpoint(elsewhere)).firstBreak?.reason).toBe('checkpoint_invalid');
  });

  it('still verifies links written before keyed chains, reports them as unkeyed, and chains keyed after them', () => {
    const legacy = recorded([anEvent(), anEvent()], streamId).map(readBack);
    const head = legacy[1]!.metadata.chain!.hash;
    const keyed = chainEvents([anEvent()], streamId, 2n, head, undefined, undefined, key).map((e) =>
      readBack({ ...e, streamId, revision: 2n, position: { commit: 2n, prepare: 2n } }),
    );
    expect(legacy.every((e) => e.metadata.chain?.alg === undefined)).toBe(true);
    expect(verifyChain([...legacy, ...keyed], { key })).toMatchObject({
      verified: true,
      keyedLinks: 1,
      unkeyedLinks: 2,
      firstBreak: null,
    });
    const edited = legacy.map((e, i) => (i === 0 ? { ...e, data: { tampered: true } } : e));
    expect(verifyChain([...edited, ...keyed], { key }).firstBreak).toEqual({
      revision: 0n,
      reason: 'hash_mismatch',
    });
  });

  it('never shows the keys in JSON, String() or util.inspect', () => {
    const seed = randomBytes(32);
    const [chain, signer] = [new ChainKey(seed), CheckpointSigningKey.fromSeed(seed)];
    for (const k of [chain, signer]) {
      const shown = [JSON.stringify({ k }), String(k), inspect(k), inspect({ k }, { depth: 5 })].join(' ');
      expect(shown).not.toContain(seed.toString('base64'));
      expect(shown).not.toContain(seed.toString('hex'));
      expect(shown).toContain('[redacted]');
    }
  });
});
