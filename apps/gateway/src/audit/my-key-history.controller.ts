import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { toKeysStreamId } from '@gw/keys';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { AUDIT_VERIFICATION } from '../runtime/runtime.tokens';
import { readAuditStream, type AuditStreamView, type AuditVerification } from './audit-stream';
import { ApiView } from '../http/openapi-views';

@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me/keys')
@UseGuards(GatewayKeyGuard)
export class MyKeyHistoryController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AUDIT_VERIFICATION) private readonly audit: AuditVerification,
  ) {}

  /**
   * Every change to the caller's provider keys (added, rotated, validated, disabled, removed …) with
   * who made it and when, and whether the stream's hash chain verifies. Empty before the first key.
   * The events hold last four characters and fingerprints, never a key.
   */
  @ApiView('AuditStreamView')
  @Get('history')
  history(@CurrentPrincipal() principal: Principal): Promise<AuditStreamView> {
    return readAuditStream(this.store, toKeysStreamId(principal.userId), this.audit);
  }
}
