import { hash as digest } from 'node:crypto';
import type { EventChainLink, EventMetadata, NewEvent, RecordedEvent } from '@gw/shared-kernel';

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
 */

/** Hex SHA-256 of an event at its place in a stream, given the previous event's hash. */
export function eventHash(
  event: Pick<NewEvent, 'id' | 'type' | 'version' | 'occurredAt' | 'data' | 'metadata'>,
  streamId: string,
  revision: bigint,
  prev: string | null,
  dataJson: string = dataJsonOf(event),
  metadataJson: string = JSON.stringify(withoutChain(event.metadata)),
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
  // One-shot crypto.hash: half the cost of a createHash object for inputs this size.
  return digest('sha256', `${envelope}\n${metadataJson}\n${dataJson}`, 'hex');
}

/** An event's data as the stores write it. */
export const dataJsonOf = (event: Pick<NewEvent, 'data'>): string => JSON.stringify(event.data ?? null);

/**
 * The events with their chain links, for an append that starts at `firstRevision` after an event
 * whose hash is `prev` (null for a new stream). The events are not changed; copies are returned.
 * `dataJson[i]`, when given, is event i's data as JSON text (what the caller writes). `metadataJson`,
 * when given, is filled with each returned event's metadata as JSON text, exactly what
 * `JSON.stringify(returned[i].metadata)` gives: the metadata is serialised once, for the hash and the
 * row (the link is appended to the hashed text, as the last member).
 */
export function chainEvents(
  events: readonly NewEvent[],
  streamId: string,
  firstRevision: bigint,
  prev: string | null,
  dataJson?: readonly string[],
  metadataJson?: string[],
): NewEvent[] {
  let previous = prev;
  return events.map((event, i) => {
    const metadata = withoutChain(event.metadata);
    const hashedMetadata = JSON.stringify(metadata);
    const hash = eventHash(
      event,
      streamId,
      firstRevision + BigInt(i),
      previous,
      dataJson?.[i],
      hashedMetadata,
    );
    const link: EventChainLink = { prev: previous, hash };
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
  /** The event's content no longer hashes to its `hash`: a column of its row was changed. */
  | 'hash_mismatch'
  /** The revisions are not 0, 1, 2 …: a row was removed or inserted. */
  | 'revision_gap';

export interface ChainVerification {
  readonly verified: boolean;
  /** How many events were checked. */
  readonly events: number;
  readonly firstBreak: { readonly revision: bigint; readonly reason: ChainBreakReason } | null;
}

/** Checks a whole stream, read forwards from revision 0. An empty stream verifies. */
export function verifyChain(events: readonly RecordedEvent[]): ChainVerification {
  let prev: string | null = null;
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i]!;
    const broken = (reason: ChainBreakReason): ChainVerification => ({
      verified: false,
      events: events.length,
      firstBreak: { revision: event.revision, reason },
    });
    if (event.revision !== BigInt(i)) return broken('revision_gap');
    const link = linkOf(event.metadata);
    if (!link) return broken('missing_link');
    if (link.prev !== prev) return broken('prev_mismatch');
    if (eventHash(event, event.streamId, event.revision, link.prev) !== link.hash)
      return broken('hash_mismatch');
    prev = link.hash;
  }
  return { verified: true, events: events.length, firstBreak: null };
}

/** A link as read back: only the shape chainEvents writes counts. */
function linkOf(metadata: EventMetadata | null | undefined): EventChainLink | undefined {
  const chain: unknown = metadata?.chain;
  if (typeof chain !== 'object' || chain === null) return undefined;
  const { prev, hash } = chain as { prev?: unknown; hash?: unknown };
  if (typeof hash !== 'string' || (prev !== null && typeof prev !== 'string')) return undefined;
  return { prev, hash };
}

const withoutChain = (metadata: EventMetadata): EventMetadata => {
  if (metadata.chain === undefined) return metadata;
  const { chain: _chain, ...rest } = metadata;
  return rest;
};
