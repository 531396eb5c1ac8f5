import type { EventStore } from '@gw/eventstore';
import {
  verifyChain,
  type AuditCheckpoint,
  type ChainBreakReason,
  type ChainKey,
  type CheckpointVerifier,
} from '@gw/eventstore';
import { ValidationError, type EventMetadata, type RecordedEvent } from '@gw/shared-kernel';

/** One event as an auditor sees it. Events carry no secrets by design (DESIGN.md), so nothing is cut. */
export interface AuditEventView {
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly metadata: EventMetadata;
  readonly data: unknown;
}

export interface ChainView {
  readonly verified: boolean;
  readonly events: number;
  /** The first broken link: its revision (for a removed tail, the first missing one) and why. */
  readonly firstBreak: { readonly revision: number; readonly reason: ChainBreakReason } | null;
  /** Links checked with the chain key (HMAC-SHA256). */
  readonly keyedLinks: number;
  /** Links from before keyed chains (plain SHA-256), covered only up to the signed checkpoint. */
  readonly unkeyedLinks: number;
  /** The newest signed checkpoint the stream must reach (null: none yet, e.g. a request stream). */
  readonly checkpoint: { readonly revision: number; readonly signedAt: string } | null;
}

/** What verifying needs: the chain key, the checkpoints' public key, and the stored checkpoints. */
export interface AuditVerification {
  readonly chainKey: ChainKey;
  readonly verifier: CheckpointVerifier;
  readonly checkpoints: {
    get(streamId: string): Promise<AuditCheckpoint | null>;
    /** The streams that have a checkpoint (audit:verify --all finds the ones with no event left). */
    listStreams(options: { readonly after?: string; readonly limit: number }): Promise<string[]>;
  };
}

export interface AuditStreamView {
  readonly streamId: string;
  readonly events: readonly AuditEventView[];
  readonly chain: ChainView;
}

/** Stream ids are `category-id` (STYLE.md §2); ids are printable (model ids hold `/`, `:`, `.`), at most 256. */
const STREAM_ID = /^[A-Za-z][A-Za-z0-9]{0,63}-[\x21-\x7e\u00a0-\uffff]{1,192}$/;
/** A category is camelCase without dashes. */
const CATEGORY = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

export function assertStreamId(streamId: string): string {
  if (!STREAM_ID.test(streamId))
    throw new ValidationError(
      'AUDIT.INVALID_STREAM_ID',
      'A stream id looks like <category>-<id>, e.g. keys-1234',
      {
        param: 'streamId',
      },
    );
  return streamId;
}

export function assertCategory(category: string): string {
  if (!CATEGORY.test(category))
    throw new ValidationError(
      'AUDIT.INVALID_CATEGORY',
      'A category is a word of letters and digits, e.g. keys',
      {
        param: 'category',
      },
    );
  return category;
}

const toEventView = (e: RecordedEvent): AuditEventView => ({
  revision: Number(e.revision),
  id: e.id,
  type: e.type,
  version: e.version,
  occurredAt: e.occurredAt.toISOString(),
  metadata: e.metadata,
  data: e.data,
});

/**
 * The whole stream from revision 0, and whether its chain holds: every link (keyed ones with the chain
 * key), and the stream reaching its newest signed checkpoint with the signed link there.
 */
export async function readAuditStream(
  store: EventStore,
  streamId: string,
  audit: AuditVerification,
): Promise<AuditStreamView> {
  // The checkpoint first: one signed after this read began may only be ahead of what was read.
  const stored = await audit.checkpoints.get(streamId);
  const events = await store.readStream(streamId);
  const chain = verifyChain(events, {
    key: audit.chainKey,
    checkpoint: stored && { stored, verifier: audit.verifier },
  });
  return {
    streamId,
    events: events.map(toEventView),
    chain: {
      verified: chain.verified,
      events: chain.events,
      firstBreak: chain.firstBreak && {
        revision: Number(chain.firstBreak.revision),
        reason: chain.firstBreak.reason,
      },
      keyedLinks: chain.keyedLinks,
      unkeyedLinks: chain.unkeyedLinks,
      checkpoint: chain.checkpoint && {
        revision: Number(chain.checkpoint.revision),
        signedAt: chain.checkpoint.signedAt.toISOString(),
      },
    },
  };
}
