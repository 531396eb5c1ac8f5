import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AccessDirectory, type Principal } from '@gw/accounts';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { RecentSignIn } from '../auth/recent-sign-in';
import { CurrentPrincipal, type AuthenticatedRequest } from '../auth/principal.decorator';
import { commandMetadata } from '../http/command-metadata';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { AccountService } from './account-service';
import { CreateApiKeyDto, UpdateSettingsDto } from './accounts.dto';
import {
  toMeView,
  toSettingsView,
  type GatewayKeyList,
  type IssuedKeyView,
  type MeView,
  type SettingsView,
} from './accounts.views';
import { ApiNoContent, ApiView } from '../http/openapi-views';

/** The caller's own account: profile, settings and gateway keys. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('api/v1/me')
@UseGuards(GatewayKeyGuard)
export class MeController {
  constructor(
    @Inject(AccountService) private readonly accounts: AccountService,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(RecentSignIn) private readonly recentSignIn: RecentSignIn,
  ) {}

  /** Who you are, your tier and what it allows. */
  @ApiView('MeView')
  @Get()
  me(@CurrentPrincipal() principal: Principal): MeView {
    return toMeView(this.accounts.account(principal.userId), principal, this.directory.tierPolicy());
  }

  @ApiView('SettingsView')
  @Get('settings')
  settings(@CurrentPrincipal() principal: Principal): SettingsView {
    return toSettingsView(this.accounts.account(principal.userId));
  }

  /**
   * Only the fields given change. A power level (or byokOnly) your tier does not include is a 403
   * naming the tier that unlocks it. The cap is stored now and enforced by the money slice; the
   * low-balance alert is the portal's warning threshold only.
   */
  @ApiBody({ schema: dtoSchema('UpdateSettingsDto') })
  @ApiView('SettingsView')
  @Put('settings')
  async updateSettings(@Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<SettingsView> {
    const dto = validateDto(UpdateSettingsDto, body, { strict: true });
    const principal = request.principal!;
    const capGiven = dto.monthlyCapMicros !== undefined || dto.capMode !== undefined;
    const account = await this.accounts.update(
      principal.userId,
      {
        ...(dto.powerLevel !== undefined && { powerLevel: dto.powerLevel }),
        ...(dto.byokOnly !== undefined && { byokOnly: dto.byokOnly }),
        ...(dto.lowBalanceAlertMicros !== undefined && { lowBalanceAlertMicros: dto.lowBalanceAlertMicros }),
        ...(capGiven && {
          spendingCap: {
            ...(dto.monthlyCapMicros !== undefined && { monthlyCapMicros: dto.monthlyCapMicros }),
            ...(dto.capMode !== undefined && { capMode: dto.capMode }),
          },
        }),
      },
      commandMetadata(request, principal),
    );
    return toSettingsView(account);
  }

  /** Your active gateway keys, masked; last use as this gateway instance saw it (since its start). */
  @ApiView('GatewayKeyList')
  @Get('api-keys')
  listKeys(@CurrentPrincipal() principal: Principal): GatewayKeyList {
    return { data: this.directory.activeKeys(principal.userId) };
  }

  /**
   * A new gateway key: `apiKey` is in this answer only; it is never shown again. With an access
   * token signed in more than 15 minutes ago, the body carries the password too (RecentSignIn).
   */
  @ApiBody({ schema: dtoSchema('CreateApiKeyDto') })
  @ApiView('IssuedKeyView', 201)
  @Post('api-keys')
  @HttpCode(201)
  async createKey(@Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<IssuedKeyView> {
    const dto = validateDto(CreateApiKeyDto, body, { strict: true });
    const principal = request.principal!;
    await this.recentSignIn.require(request, principal, dto.password);
    return this.accounts.issueKey(principal.userId, dto.name, commandMetadata(request, principal));
  }

  /** Revokes one of your keys at once (this instance answers after it refuses the key). */
  @ApiNoContent()
  @Delete('api-keys/:id')
  @HttpCode(204)
  async revokeKey(@Param('id') id: string, @Req() request: AuthenticatedRequest): Promise<void> {
    const principal = request.principal!;
    await this.accounts.revokeKey(principal.userId, id, commandMetadata(request, principal));
  }
}
