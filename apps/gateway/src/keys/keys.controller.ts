import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@gw/accounts';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { CurrentPrincipal, type AuthenticatedRequest } from '../auth/principal.decorator';
import { commandMetadata } from '../http/command-metadata';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { AddKeyDto, ChangeKeyDto, CheckKeyDto, RotateKeyDto } from './keys.dto';
import {
  MyKeys,
  type KeyCheckView,
  type KeyList,
  type KeyProvidersView,
  type KeyTestView,
  type KeyView,
} from './my-keys';
import { ApiNoContent, ApiView } from '../http/openapi-views';

/** The caller's own provider keys (BYOK). Keys go in, only masked forms come out. */
@ApiTags('me: provider keys')
@ApiBearerAuth()
@Controller('api/v1/me/keys')
@UseGuards(GatewayKeyGuard)
export class KeysController {
  constructor(@Inject(MyKeys) private readonly keys: MyKeys) {}

  /** What the caller may add keys for, with each provider's key format. */
  @ApiView('KeyProvidersView')
  @Get('providers')
  providers(@CurrentPrincipal() principal: Principal): KeyProvidersView {
    return this.keys.providers(principal);
  }

  @ApiView('KeyList')
  @Get()
  list(@CurrentPrincipal() principal: Principal): KeyList {
    return this.keys.list(principal);
  }

  @ApiBody({ schema: dtoSchema('AddKeyDto') })
  @ApiView('KeyView', 201)
  @Post()
  @HttpCode(201)
  add(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeyView> {
    const dto = validateDto(AddKeyDto, body, { strict: true });
    return this.keys.add(principal, dto, commandMetadata(request, principal));
  }

  /** A live check of a key before adding it: the provider's verdict; nothing is stored. */
  @ApiBody({ schema: dtoSchema('CheckKeyDto') })
  @ApiView('KeyCheckView')
  @Post('test')
  @HttpCode(200)
  check(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<KeyCheckView> {
    const dto = validateDto(CheckKeyDto, body, { strict: true });
    return this.keys.check(principal, dto);
  }

  @ApiBody({ schema: dtoSchema('ChangeKeyDto') })
  @ApiView('KeyView')
  @Patch(':id')
  change(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeyView> {
    const dto = validateDto(ChangeKeyDto, body, { strict: true });
    return this.keys.change(principal, id, dto, commandMetadata(request, principal));
  }

  @ApiBody({ schema: dtoSchema('RotateKeyDto') })
  @ApiView('KeyView')
  @Post(':id/rotate')
  @HttpCode(200)
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeyView> {
    const dto = validateDto(RotateKeyDto, body, { strict: true });
    return this.keys.rotate(principal, id, dto, commandMetadata(request, principal));
  }

  @ApiView('KeyTestView')
  @Post(':id/test')
  @HttpCode(200)
  test(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<KeyTestView> {
    return this.keys.test(principal, id, commandMetadata(request, principal));
  }

  @ApiNoContent()
  @Delete(':id')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<void> {
    await this.keys.remove(principal, id, commandMetadata(request, principal));
  }
}
