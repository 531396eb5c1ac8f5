import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AccessDirectory } from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { NotFoundError, ValidationError } from '@gw/shared-kernel';
import { AuditorGuard } from '../auth/auditor.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { AUDIT_VERIFICATION } from '../runtime/runtime.tokens';
import {
  assertCategory,
  assertStreamId,
  readAuditStream,
  type AuditStreamView,
  type AuditVerification,
} from './audit-stream';
import { ApiView } from '../http/openapi-views';
import {
  normalizeStreamQuery,
  POLICY_CATEGORY,
  searchStreams,
  type AuditStreamEntry,
} from './audit-stream-search';

export interface AuditStreamList {
  readonly data: readonly AuditStreamEntry[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: string | null;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT))
    throw new ValidationError('AUDIT.INVALID_LIMIT', `limit is a whole number from 1 to ${MAX_LIMIT}`, {
      param: 'limit',
    });
  return limit;
}

/**
 * Audit replay (auditors and admins, read only): any stream with every event's metadata (actor, source
 * address, user agent, correlation id) and whether its hash chain verifies.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit/streams')
@UseGuards(GatewayKeyGuard, AuditorGuard)
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AUDIT_VERIFICATION) private readonly audit: AuditVerification,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  /**
   * The streams of a category (e.g. `keys`: users' provider keys; `provider`, `model`, `account`,
   * `credits`, `request`; `policy`: the four policy streams), in id order, a page at a time, each with
   * the account it is named after (keys-, account-, credits- streams). `q` searches (case-insensitive,
   * part of any) the id after the category and, for those, the account's name, username and email; a
   * search reads at most 5,000 stream ids per call, so a page may hold fewer than `limit` streams
   * while `next` is set.
   */
  @ApiQuery({ name: 'category', required: true, example: 'keys' })
  @ApiQuery({ name: 'q', required: false, description: 'search, e.g. part of a name, email or id' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_LIMIT}, default ${DEFAULT_LIMIT}` })
  @ApiQuery({ name: 'after', required: false, description: 'the `next` of the previous page' })
  @ApiView('AuditStreamList')
  @Get()
  async list(
    @Query('category') category: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('after') after: string | undefined,
    @Query('q') q: string | undefined,
  ): Promise<AuditStreamList> {
    if (typeof category !== 'string')
      throw new ValidationError('AUDIT.CATEGORY_REQUIRED', 'category is required, e.g. ?category=keys', {
        param: 'category',
      });
    return searchStreams(this.store, {
      category: category === POLICY_CATEGORY ? category : assertCategory(category),
      needle: normalizeStreamQuery(typeof q === 'string' ? q : undefined),
      after: typeof after === 'string' ? after : undefined,
      limit: parseLimit(typeof limit === 'string' ? limit : undefined),
      account: (userId) => this.directory.account(userId),
    });
  }

  /**
   * Every event of the stream from revision 0, and the chain's verdict: each link checked with the
   * chain key, and the stream reaching its newest signed checkpoint (a removed tail falls short of it).
   */
  @ApiView('AuditStreamView')
  @Get(':streamId')
  async stream(@Param('streamId') streamId: string): Promise<AuditStreamView> {
    const view = await readAuditStream(this.store, assertStreamId(streamId), this.audit);
    // A stream whose every event was removed still has its checkpoint: shown, broken.
    if (view.events.length === 0 && view.chain.checkpoint === null)
      throw new NotFoundError('AUDIT.STREAM_NOT_FOUND', `No stream ${streamId}`, { streamId });
    return view;
  }
}
