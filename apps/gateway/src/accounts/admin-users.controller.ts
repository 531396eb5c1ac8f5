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
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessDirectory, type AccountEntry } from '@gw/accounts';
import { IllegalStateError, ValidationError } from '@gw/shared-kernel';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { RecentSignIn } from '../auth/recent-sign-in';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { commandMetadata } from '../http/command-metadata';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { AccountService } from './account-service';
import { CreateApiKeyDto, CreateUserDto, UpdateUserDto } from './accounts.dto';
import {
  toUserView,
  type AdminIssuedKeyView,
  type CreatedUserView,
  type GatewayKeyList,
  type UserList,
  type UserView,
} from './accounts.views';
import { ApiNoContent, ApiView } from '../http/openapi-views';
import { MyKeys, type KeyList } from '../keys/my-keys';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

/** Sort key: name without case, then id (unique), so a page boundary never splits or repeats users. */
const sortKey = (a: AccountEntry): [string, string] => [a.name.toLowerCase(), a.userId];
const after = (a: [string, string], b: [string, string]): boolean =>
  a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

const encodeCursor = (key: [string, string]): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string'))
      return key as [string, string];
  } catch {
    // falls through to the 400
  }
  throw new ValidationError('REQUEST.INVALID_CURSOR', 'cursor must be a nextCursor from an earlier page', {
    param: 'cursor',
  });
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  const n = Number(limit);
  if (!/^\d+$/.test(limit) || n < 1 || n > MAX_PAGE)
    throw new ValidationError('REQUEST.INVALID_LIMIT', `limit must be an integer from 1 to ${MAX_PAGE}`, {
      param: 'limit',
    });
  return n;
}

/**
 * Admin: accounts. Lists come from the access directory every instance holds in memory (it has every
 * account already, for the hot path), so an admin's change shows in the next list at once.
 */
@ApiTags('admin: users')
@ApiBearerAuth()
@Controller('api/v1/admin/users')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class AdminUsersController {
  constructor(
    @Inject(AccountService) private readonly accounts: AccountService,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(RecentSignIn) private readonly recentSignIn: RecentSignIn,
    @Inject(MyKeys) private readonly providerKeys: MyKeys,
  ) {}

  @ApiBody({ schema: dtoSchema('CreateUserDto') })
  @ApiView('CreatedUserView', 201)
  @Post()
  async create(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedUserView> {
    const dto = validateDto(CreateUserDto, body, { strict: true });
    const id = await this.accounts.create(dto, commandMetadata(request, request.principal!));
    void reply.status(201).header('location', `/api/v1/admin/users/${id}`);
    return { id };
  }

  /**
   * Paged by `limit` (1–200, default 50) and `cursor` (the last page's nextCursor); `q` searches name,
   * username, email and id (case-insensitive, part of any). `total` counts every match of `q`.
   */
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiView('UserList')
  @Get()
  list(@Query('q') q?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string): UserList {
    const size = parseLimit(limit);
    const from = cursor === undefined ? undefined : decodeCursor(cursor);
    const needle = typeof q === 'string' ? q.trim().toLowerCase() : '';
    const matches = [...this.directory.allAccounts()].filter(
      (a) =>
        needle === '' ||
        a.name.toLowerCase().includes(needle) ||
        (a.username?.toLowerCase().includes(needle) ?? false) ||
        (a.email?.toLowerCase().includes(needle) ?? false) ||
        a.userId.toLowerCase().includes(needle),
    );
    const rest = matches
      .filter((a) => from === undefined || after(sortKey(a), from))
      .sort((a, b) => (after(sortKey(a), sortKey(b)) ? 1 : -1));
    const page = rest.slice(0, size);
    return {
      data: page.map((a) => this.view(a)),
      nextCursor: rest.length > size ? encodeCursor(sortKey(page[page.length - 1]!)) : null,
      total: matches.length,
    };
  }

  @ApiView('UserView')
  @Get(':id')
  get(@Param('id') id: string): UserView {
    return this.view(this.accounts.account(id));
  }

  /** Tier, roles, disabled: only the fields given change. A disabled user's keys are refused at once. */
  @ApiBody({ schema: dtoSchema('UpdateUserDto') })
  @ApiView('UserView')
  @Put(':id')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<UserView> {
    const dto = validateDto(UpdateUserDto, body, { strict: true });
    const principal = request.principal!;
    if (id === principal.userId && (dto.disabled === true || (dto.roles && !dto.roles.includes('admin'))))
      throw new IllegalStateError(
        'ACCOUNTS.SELF_LOCKOUT',
        'You cannot disable your own account or take away your own admin role; ask another admin',
      );
    const account = await this.accounts.update(
      id,
      {
        ...(dto.tier !== undefined && { tier: dto.tier }),
        ...(dto.roles !== undefined && { roles: dto.roles }),
        ...(dto.disabled !== undefined && { disabled: dto.disabled }),
      },
      commandMetadata(request, principal),
    );
    return this.view(account);
  }

  /**
   * Deletes the user for good: their gateway keys and tokens stop working at once, their provider
   * keys are removed and shredded from the vault, their sign-in goes; their events stay for audit.
   * Deleting a deleted user again finishes anything an interrupted deletion left (204 again).
   */
  @ApiNoContent()
  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @Req() request: AuthenticatedRequest): Promise<void> {
    const principal = request.principal!;
    if (id === principal.userId)
      throw new IllegalStateError(
        'ACCOUNTS.SELF_DELETE',
        'You cannot delete your own account; ask another admin',
      );
    await this.accounts.delete(id, commandMetadata(request, principal));
  }

  /**
   * A gateway key for the user: `apiKey` is in this answer only. With an access token signed in more
   * than 15 minutes ago, the body carries the admin's password too (RecentSignIn).
   */
  @ApiBody({ schema: dtoSchema('CreateApiKeyDto') })
  @ApiView('AdminIssuedKeyView', 201)
  @Post(':id/api-keys')
  @HttpCode(201)
  async issueKey(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<AdminIssuedKeyView> {
    const dto = validateDto(CreateApiKeyDto, body, { strict: true });
    await this.recentSignIn.require(request, request.principal!, dto.password);
    const issued = await this.accounts.issueKey(id, dto.name, commandMetadata(request, request.principal!));
    return { id: issued.id, apiKey: issued.apiKey, maskedKey: issued.maskedKey };
  }

  /** The user's provider keys (BYOK), masked: never the key. */
  @ApiView('KeyList')
  @Get(':id/keys')
  listProviderKeys(@Param('id') id: string): KeyList {
    this.accounts.account(id); // 404 for an unknown user
    return this.providerKeys.listOf(id);
  }

  /** The user's active gateway keys, masked; last use as this gateway instance saw it (since its start). */
  @ApiView('GatewayKeyList')
  @Get(':id/api-keys')
  listKeys(@Param('id') id: string): GatewayKeyList {
    this.accounts.account(id); // 404 for an unknown user
    return { data: this.directory.activeKeys(id) };
  }

  /**
   * Revokes one of the user's gateway keys at once, recorded with the admin as the actor (the same
   * event as the user's own revoke). A key of another user, or an unknown or revoked one, is a 404.
   */
  @ApiNoContent()
  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  async revokeKey(
    @Param('id') id: string,
    @Param('keyId') keyId: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<void> {
    await this.accounts.revokeKey(id, keyId, commandMetadata(request, request.principal!));
  }

  private view(a: AccountEntry): UserView {
    return toUserView(a, this.directory.activeKeys(a.userId).length);
  }
}
