import { ValidationError, type NewEvent, type Position } from '@gw/shared-kernel';
import { assertDistinctIds, assertSerializable, checkExpectedRevision } from '../../append-checks';
import type { ChainKey } from '../../chain/audit-keys';
import { chainEvents, dataJsonOf } from '../../chain/event-chain';
import { DuplicateEventIdError } from '../../event-store.errors';
import type { AppendRequest, AppendResult } from '../../event-store.port';

/** The last event of a stream as the lookup found it. */
export interface StreamHead {
  readonly revision: bigint;
  readonly position: Position;
  /** The last event's chain hash (null when it has none: written before chains). */
  readonly hash: string | null;
}

/** An event id that is already in the log. */
export interface KnownEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Position;
}

/** What one lookup query found: stream heads by stream id, known events by lower-cased event id. */
export interface Lookup {
  readonly heads: ReadonlyMap<string, StreamHead>;
  readonly known: ReadonlyMap<string, KnownEvent>;
}

export interface PlannedRow {
  readonly requestIndex: number;
  readonly streamId: string;
  readonly revision: bigint;
  /** The event as it is written: with its chain link (see chainEvents). */
  readonly event: NewEvent;
  /** Its data as JSON text: serialised once, for the chain's hash and for the insert. */
  readonly dataJson: string;
  /** Its metadata (with the chain link) as JSON text: likewise serialised once. */
  readonly metadataJson: string;
}

export interface AppendPlan {
  /** Requests settled without writing: failures, idempotent re-appends, empty appends. */
  readonly decided: ReadonlyMap<number, AppendResult | Error>;
  /** Every row of the one insert, sorted by (stream, revision) so concurrent writers lock in one order. */
  readonly rows: readonly PlannedRow[];
  /** Requests that depend on rows of this insert in a way the plan cannot settle; they go alone afterwards. */
  readonly deferred: readonly number[];
}

const NO_POSITION: Position = Object.freeze({ commit: -1n, prepare: -1n });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** Checks that need no database: JSON-serializable, distinct ids, ids that are UUIDs. */
export function validateRequests(requests: readonly AppendRequest[]): Map<number, Error> {
  const invalid = new Map<number, Error>();
  requests.forEach((request, index) => {
    try {
      assertSerializable(request.events);
      assertDistinctIds(request.events);
      const bad = request.events.find((e) => !UUID.test(e.id));
      if (bad) {
        throw new ValidationError('EVENTSTORE.INVALID_EVENT_ID', `Event id ${bad.id} is not a UUID`, {
          eventId: bad.id,
        });
      }
    } catch (e) {
      invalid.set(index, toError(e));
    }
  });
  return invalid;
}

/** The stream ids and event ids the lookup must fetch for the valid requests. */
export function lookupKeys(
  requests: readonly AppendRequest[],
  invalid: ReadonlyMap<number, Error>,
): { streamIds: string[]; eventIds: string[] } {
  const streamIds = new Set<string>();
  const eventIds = new Set<string>();
  requests.forEach((request, index) => {
    if (invalid.has(index)) return;
    streamIds.add(request.streamId);
    for (const e of request.events) eventIds.add(e.id.toLowerCase());
  });
  return { streamIds: [...streamIds], eventIds: [...eventIds] };
}

/**
 * Decides, request by request and in order, what one multi-row insert must write: the same rules as
 * the in-memory store (idempotent re-append, duplicate id, expected revision), with each stream's
 * revision carried from one request of the batch to the next. With `chainKey` the links are keyed.
 */
export function planAppend(
  requests: readonly AppendRequest[],
  lookup: Lookup,
  invalid: ReadonlyMap<number, Error> = new Map(),
  chainKey?: ChainKey,
): AppendPlan {
  const decided = new Map<number, AppendResult | Error>(invalid);
  const rows: PlannedRow[] = [];
  const deferred: number[] = [];
  const revisions = new Map<string, bigint>();
  const hashes = new Map<string, string | null>();
  const touched = new Set<string>();
  const deferredStreams = new Set<string>();
  const plannedIds = new Set<string>();

  requests.forEach((request, index) => {
    if (invalid.has(index)) return;
    const { streamId, events, expectedRevision = 'any' } = request;
    const ids = events.map((e) => e.id.toLowerCase());
    const dependsOnBatch =
      deferredStreams.has(streamId) ||
      ids.some((id) => plannedIds.has(id)) ||
      (events.length === 0 && touched.has(streamId));
    if (dependsOnBatch) {
      deferred.push(index);
      deferredStreams.add(streamId);
      return;
    }
    const head = lookup.heads.get(streamId);
    const known = ids.map((id) => lookup.known.get(id));
    const last = known[known.length - 1];
    if (last && known.every((k) => k?.streamId === streamId)) {
      decided.set(index, { nextRevision: last.revision, position: last.position });
      return;
    }
    const clash = known.findIndex((k) => k !== undefined);
    if (clash >= 0) {
      decided.set(index, new DuplicateEventIdError(events[clash]!.id));
      return;
    }
    const current = revisions.get(streamId) ?? head?.revision ?? -1n;
    try {
      checkExpectedRevision(streamId, expectedRevision, current);
    } catch (e) {
      decided.set(index, toError(e));
      return;
    }
    if (events.length === 0) {
      decided.set(index, { nextRevision: current, position: head?.position ?? NO_POSITION });
      return;
    }
    const prev = hashes.has(streamId) ? hashes.get(streamId)! : (head?.hash ?? null);
    const dataJson = events.map(dataJsonOf);
    const metadataJson: string[] = [];
    const chained = chainEvents(events, streamId, current + 1n, prev, dataJson, metadataJson, chainKey);
    chained.forEach((event, i) => {
      rows.push({
        requestIndex: index,
        streamId,
        revision: current + 1n + BigInt(i),
        event,
        dataJson: dataJson[i]!,
        metadataJson: metadataJson[i]!,
      });
    });
    for (const id of ids) plannedIds.add(id);
    revisions.set(streamId, current + BigInt(events.length));
    hashes.set(streamId, chained[chained.length - 1]!.metadata.chain!.hash);
    touched.add(streamId);
  });

  rows.sort((a, b) =>
    a.streamId === b.streamId ? Number(a.revision - b.revision) : a.streamId < b.streamId ? -1 : 1,
  );
  return { decided, rows, deferred };
}
