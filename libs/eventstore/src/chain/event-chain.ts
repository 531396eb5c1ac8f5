import { createHash } from 'node:crypto';
import type { EventChainLink, EventMetadata, NewEvent, RecordedEvent } from '@gw/shared-kernel';

/**
 * The hash chain of a stream. Every event's metadata carries `chain = {prev, hash}`: `prev` is the
 * previous event's hash (null at revision 0) and `hash` is SHA-256 over the canonical encoding of
 *
 *   {streamId, revision, id, type, version, occurredAt, data, metadata (without chain), prev}
 *
 * so changing any stored column of a row (data, type, metadata, its stream or revision, its time), or
 * removing, reordering or inserting a row, breaks the chain at that revision. The store computes it at
 * append time from the stream's last event (a new stream starts at prev = null, so the chat hot path's
 * new request streams need no extra read).
 */

/** Hex SHA-256 of an event at its place in a stream, given the previous event's hash. */
export function eventHash(
  event: Pick<NewEvent, 'id' | 'type' | 'version' | 'occurredAt' | 'data' | 'metadata'>,
  streamId: string,
  revision: bigint,
  prev: string | null,
): string {
  const { chain: _chain, ...metadata } = event.metadata;
  const text = canonicalJson({
    streamId,
    revision: revision.toString(),
    id: event.id.toLowerCase(),
    type: event.type,
    version: event.version,
    occurredAt: event.occurredAt.toISOString(),
    data: event.data ?? null,
    metadata,
    prev,
  });
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The events with their chain links, for an append that starts at `firstRevision` after an event
 * whose hash is `prev` (null for a new stream). The events are not changed; copies are returned.
 */
export function chainEvents(
  events: readonly NewEvent[],
  streamId: string,
  firstRevision: bigint,
  prev: string | null,
): NewEvent[] {
  let previous = prev;
  return events.map((event, i) => {
    const hash = eventHash(event, streamId, firstRevision + BigInt(i), previous);
    const link: EventChainLink = { prev: previous, hash };
    previous = hash;
    return { ...event, metadata: { ...withoutChain(event.metadata), chain: link } };
  });
}

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

/**
 * Canonical JSON (RFC 8785 / JCS for the values events carry): object keys sorted by UTF-16 code
 * units, no whitespace, strings and numbers as JSON.stringify writes them (which is JCS's number
 * form), `undefined` members left out and `toJSON` honoured exactly as JSON.stringify does, so an
 * event hashes the same before it is stored and after it is read back from JSON or jsonb.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      if (i > 0) out += ',';
      out += isSkipped(item) ? 'null' : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (isSkipped(member)) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
const isSkipped = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';
