import { hash as digest } from 'node:crypto';
import type { EventChainLink, EventMetadata, NewEvent, RecordedEvent } from '@gw/shared-kernel';
import type { ChainKey } from './audit-keys';
import { checkpointHolds, type AuditCheckpoint, type CheckpointVerifier } from './checkpoint';

/**
 * The hash chain of a stream. Every event's metadata carries `chain = {prev, hash}`: `prev` is the
 * previous event's hash (null at revision 0) and `hash` is the hex SHA-256 of
 *
 *   JSON [streamId, revision, id, type, version, occurredAt, prev] + "\n" + metadata (without chain)
 *   as JSON text + "\n" + data as JSON text
 *
 * so changing any stored column of a row (data, type, metadata, its stream or revision, its time), or
 * removing, reordering or inserting a row, breaks the chain at that revision. The store computes it at
 * append time from the stream's last event (a new stream starts at prev = null, so the chat hot path's
 * new request streams need no extra read).
 *
 * The encoding is canonical by construction rather than re-encoded: the envelope is a fixed-position
 * array, and data and metadata are the JSON text the store writes (JSON.stringify: the text Postgres
 * keeps verbatim in its `json` columns, the bytes EventStoreDB stores), which serialising what is read
 * back reproduces exactly (JSON.parse keeps member order). The writer serialises data once for both
 * the hash and the row. An RFC 8785 re-encoding of a request's events (sorted copies of every object)
 * cost ~30 µs per chat request; this costs the digest.
 *
 * Keyed links (issue 16): a plain hash can be recomputed by anyone who can write the table, so a store
 * given a `ChainKey` writes `chain = {prev, hash, alg: 'hmac-sha256'}` where `hash` is HMAC-SHA256 of
 * the same text under that key (kept outside the database). Links written before keyed chains (no
 * `alg`) still verify as plain SHA-256 and are counted as unkeyed; an unkeyed link after a keyed one in
 * the same stream is a downgrade and breaks the chain. Events are never rewritten.
 */

/** The `alg` of a keyed link. */
const KEYED = 'hmac-sha256';

/** Hex SHA-256 of an event at its place in a stream, given the previous event's hash. */
export function eventHash(
  event: Pick<NewEvent, 'id' | 'type' | 'version' | 'occurredAt' | 'data' | 'metadata'>,
  streamId: string,
  revision: bigint,
  prev: string | null,
  dataJson: string = dataJsonOf(event),
  metadataJson: string = JSON.stringify(withoutChain(event.metadata)),
): string {
  // One-shot crypto.hash: half the cost of a createHash object for inputs this size.
  return digest('sha256', chainText(event, streamId, revision, prev, dataJson, metadataJson), 'hex');
}

/** Hex HMAC-SHA256 under `key` of the text `eventHash` digests: a keyed link. */
export function eventMac(
  key: ChainKey,
  event: Pick<NewEvent, 'id' | 'type' | 'version' | 'occurredAt' | 'data' | 'metadata'>,
  streamId: string,
  revision: bigint,
  prev: string | null,
  dataJson: string = dataJsonOf(event),
  metadataJson: string = JSON.stringify(withoutChain(event.metadata)),
): string {
  return key.mac(chainText(event, streamId, revision, prev, dataJson, metadataJson));
}

function chainText(
  event: Pick<NewEvent, 'id' | 'type' | 'version' | 'occurredAt'>,
  streamId: string,
  revision: bigint,
  prev: string | null,
  dataJson: string,
  metadataJson: string,
): string {
  const envelope = JSON.stringify([
    streamId,
    revision.toString(),
    event.id.toLowerCase(),
    event.type,
    event.version,
    event.occurredAt.toISOString(),
    prev,
  ]);
  return `${envelope}\n${metadataJson}\n${dataJson}`;
}

/** An event's data as the stores write it. */
export const dataJsonOf = (event: Pick<NewEvent, 'data'>): string => JSON.stringify(event.data ?? null);

/**
 * The events with their chain links, for an append that starts at `firstRevision` after an event
 * whose hash is `prev` (null for a new stream). The events are not changed; copies are returned.
 * `dataJson[i]`, when given, is event i's data as JSON text (what the caller writes). `metadataJson`,
 * when given, is filled with each returned event's metadata as JSON text, exactly what
 * `JSON.stringify(returned[i].metadata)` gives: the metadata is serialised once, for the hash and the
 * row (the link is appended to the hashed text, as the last member). With `key` the links are keyed
 * (HMAC-SHA256, `alg: 'hmac-sha256'`); without, plain SHA-256 (tests, and stores not given a key).
 */
export function chainEvents(
  events: readonly NewEvent[],
  streamId: string,
  firstRevision: bigint,
  prev: string | null,
  dataJson?: readonly string[],
  metadataJson?: string[],
  key?: ChainKey,
): NewEvent[] {
  let previous = prev;
  return events.map((event, i) => {
    const metadata = withoutChain(event.metadata);
    const hashedMetadata = JSON.stringify(metadata);
    const revision = firstRevision + BigInt(i);
    const data = dataJson?.[i];
    const link: EventChainLink = key
      ? {
          prev: previous,
          hash: eventMac(key, event, streamId, revision, previous, data, hashedMetadata),
          alg: KEYED,
        }
      : { prev: previous, hash: eventHash(event, streamId, revision, previous, data, hashedMetadata) };
    const hash = link.hash;
    previous = hash;
    metadataJson?.push(withLinkJson(hashedMetadata, link));
    return { ...event, metadata: { ...metadata, chain: link } };
  });
}

/** `{…}` + the link as its last member `chain`: JSON.stringify of `{ ...metadata, chain: link }`. */
const withLinkJson = (metadataJson: string, link: EventChainLink): string =>
  `${metadataJson.length > 2 ? `${metadataJson.slice(0, -1)},` : '{'}"chain":${JSON.stringify(link)}}`;

/** The hash the next event of a stream chains to: its last event's, or null (also for a legacy event). */
export const chainHeadOf = (last: Pick<RecordedEvent, 'metadata'> | undefined): string | null =>
  last?.metadata.chain?.hash ?? null;

export type ChainBreakReason =
  /** The event carries no chain link (written before chains, or the link was removed). */
  | 'missing_link'
  /** The event's `prev` is not the hash of the event before it. */
  | 'prev_mismatch'
  /** The event's content no longer hashes (keyed: MACs) to its `hash`: a column of its row was changed. */
  | 'hash_mismatch'
  /** The revisions are not 0, 1, 2 …: a row was removed or inserted. */
  | 'revision_gap'
  /** An unkeyed link after a keyed one: the stream was re-hashed without the key. */
  | 'downgraded_link'
  /** A keyed link, and the verifier was given no chain key: it cannot be checked. */
  | 'key_unavailable'
  /** The stream ends before the revision of its newest signed checkpoint: its last events were removed. */
  | 'checkpoint_not_reached'
  /** The event at the checkpoint's revision is not the one that was signed. */
  | 'checkpoint_mismatch'
  /** The stored checkpoint's signature does not verify under the signing key (forged or altered). */
  | 'checkpoint_invalid';

export interface ChainVerification {
  readonly verified: boolean;
  /** How many events were checked. */
  readonly events: number;
  readonly firstBreak: { readonly revision: bigint; readonly reason: ChainBreakReason } | null;
  /** Links checked with the chain key (HMAC-SHA256). */
  readonly keyedLinks: number;
  /** Links written before keyed chains (plain SHA-256), up to the first break. */
  readonly unkeyedLinks: number;
  /** The signed checkpoint the stream was checked against (null: none given). */
  readonly checkpoint: { readonly revision: bigint; readonly signedAt: Date } | null;
}

export interface VerifyChainOptions {
  /** The chain key: keyed links cannot be checked without it (`key_unavailable`). */
  readonly key?: ChainKey;
  /**
   * The stream's newest stored checkpoint and the public key to check it with: the stream must reach
   * the checkpoint's revision, with the signed link there.
   */
  readonly checkpoint?: { readonly stored: AuditCheckpoint; readonly verifier: CheckpointVerifier } | null;
}

/**
 * Checks a whole stream, read forwards from revision 0, and reports the first break: every link (keyed
 * ones with the key), then that the stream reaches its signed checkpoint with the signed link there.
 */
export function verifyChain(
  events: readonly RecordedEvent[],
  options: VerifyChainOptions = {},
): ChainVerification {
  let prev: string | null = null;
  let [keyedLinks, unkeyedLinks] = [0, 0];
  const given = options.checkpoint;
  const result = (firstBreak: ChainVerification['firstBreak']): ChainVerification => ({
    verified: firstBreak === null,
    events: events.length,
    firstBreak,
    keyedLinks,
    unkeyedLinks,
    checkpoint: given ? { revision: given.stored.revision, signedAt: given.stored.signedAt } : null,
  });
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i]!;
    const broken = (reason: ChainBreakReason): ChainVerification =>
      result({ revision: event.revision, reason });
    if (event.revision !== BigInt(i)) return broken('revision_gap');
    const link = linkOf(event.metadata);
    if (!link) return broken('missing_link');
    if (link.prev !== prev) return broken('prev_mismatch');
    if (link.alg === KEYED) {
      if (!options.key) return broken('key_unavailable');
      if (eventMac(options.key, event, event.streamId, event.revision, link.prev) !== link.hash)
        return broken('hash_mismatch');
      keyedLinks += 1;
    } else {
      if (keyedLinks > 0) return broken('downgraded_link');
      if (eventHash(event, event.streamId, event.revision, link.prev) !== link.hash)
        return broken('hash_mismatch');
      unkeyedLinks += 1;
    }
    prev = link.hash;
  }
  if (given) {
    const { stored, verifier } = given;
    const streamId = events[0]?.streamId ?? stored.streamId;
    if (stored.streamId !== streamId || !checkpointHolds(verifier, stored))
      return result({ revision: stored.revision, reason: 'checkpoint_invalid' });
    if (BigInt(events.length) <= stored.revision)
      return result({ revision: BigInt(events.length), reason: 'checkpoint_not_reached' });
    if (events[Number(stored.revision)]!.metadata.chain?.hash !== stored.link)
      return result({ revision: stored.revision, reason: 'checkpoint_mismatch' });
  }
  return result(null);
}

/** A link as read back: only the shape chainEvents writes counts. */
function linkOf(metadata: EventMetadata | null | undefined): EventChainLink | undefined {
  const chain: unknown = metadata?.chain;
  if (typeof chain !== 'object' || chain === null) return undefined;
  const { prev, hash, alg } = chain as { prev?: unknown; hash?: unknown; alg?: unknown };
  if (typeof hash !== 'string' || (prev !== null && typeof prev !== 'string')) return undefined;
  if (alg === undefined) return { prev, hash };
  return alg === KEYED ? { prev, hash, alg } : undefined;
}

const withoutChain = (metadata: EventMetadata): EventMetadata => {
  if (metadata.chain === undefined) return metadata;
  const { chain: _chain, ...rest } = metadata;
  return rest;
};
