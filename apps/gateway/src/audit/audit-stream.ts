import type { EventStore } from '@gw/eventstore';
import { verifyChain, type ChainBreakReason } from '@gw/eventstore';
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
  readonly firstBreak: { readonly revision: number; readonly reason: ChainBreakReason } | null;
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

/** The whole stream from revision 0, and whether its hash chain holds. */
export async function readAuditStream(store: EventStore, streamId: string): Promise<AuditStreamView> {
  const events = await store.readStream(streamId);
  const chain = verifyChain(events);
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
    },
  };
}
