/** Who caused an event and why: carried by every event (STYLE.md §7). */
export interface EventMetadata {
  /** The request (or command) this event belongs to. */
  readonly correlationId: string;
  /** The event or command that directly caused this one. */
  readonly causationId?: string;
  /** The user or tenant whose data this is, when there is one. */
  readonly tenantId?: string;
  /** Who did it: a user id, `system`, or `gateway`. */
  readonly actorId: string;
  /** What kind of actor `actorId` names (absent on events written before the audit issue). */
  readonly actorKind?: ActorKind;
  /** The caller's address as the gateway saw it (Fastify's `request.ip`), for commands from HTTP. */
  readonly sourceIp?: string;
  /** The caller's User-Agent header, cut to 256 characters. */
  readonly userAgent?: string;
  /**
   * The stream's hash chain, set by the event store when it appends (callers never set it): `prev` is
   * the previous event's hash (null for revision 0), `hash` is HMAC-SHA256 under the audit chain key
   * (or SHA-256 on links written before keyed chains) over this event's canonical encoding and `prev`.
   * See `@gw/eventstore` event-chain.ts.
   */
  readonly chain?: EventChainLink;
}

/** Who can cause an event: a signed-in user, an administrator, or the gateway itself. */
export type ActorKind = 'user' | 'admin' | 'system';

export interface EventChainLink {
  /** The previous event's `hash` (lower-case hex); null for the first event. */
  readonly prev: string | null;
  /**
   * Lower-case hex of this event's link (see event-chain.ts for what it covers): HMAC-SHA256 under the
   * audit chain key when `alg` is `hmac-sha256`, plain SHA-256 for links written before keyed chains.
   */
  readonly hash: string;
  /** `hmac-sha256`: keyed (written since issue 16); absent: an unkeyed SHA-256 link. */
  readonly alg?: 'hmac-sha256';
}

/** What a decider returns and what is appended: a fact, not yet placed in a stream. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  /** Schema version of `data` (STYLE.md §4: changing a payload means a new version). */
  readonly version?: number;
  readonly data: TData;
}

/** An event as it is written: a domain event plus identity and metadata. */
export interface NewEvent<TType extends string = string, TData = unknown> extends DomainEvent<TType, TData> {
  /** UUID; appending the same id twice is idempotent. */
  readonly id: string;
  readonly version: number;
  readonly metadata: EventMetadata;
  readonly occurredAt: Date;
}

/**
 * Where an event sits in the global log. Ordered by `commit`, then `prepare`.
 * EventStoreDB: its own commit/prepare positions. Postgres: commit = the writing transaction's id
 * (xid8), prepare = the global sequence number; ordering by both is what makes subscriptions safe
 * when transactions commit out of order. In-memory: both are the index.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** An event as read back from the store. */
export interface RecordedEvent<TType extends string = string, TData = unknown> extends NewEvent<
  TType,
  TData
> {
  readonly streamId: string;
  /** 0-based revision within the stream. */
  readonly revision: bigint;
  readonly position: Position;
}

export const comparePositions = (a: Position, b: Position): number =>
  a.commit === b.commit ? Number(a.prepare - b.prepare) : a.commit < b.commit ? -1 : 1;

export const START: Position = Object.freeze({ commit: -1n, prepare: -1n });

export const positionToString = (p: Position): string => `${p.commit}/${p.prepare}`;

export const positionFromString = (s: string): Position => {
  const [commit, prepare] = s.split('/');
  if (commit === undefined || prepare === undefined) throw new Error(`Not a position: ${s}`);
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
};
