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
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiTags, ApiBearerAuth, ApiBody } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChangeProviderCommand, RegisterProviderCommand, RemoveProviderCommand } from '@gw/catalog';
import type { EventMetadata } from '@gw/shared-kernel';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { validateDto } from '../http/validate-dto';
import { commandMetadata } from '../http/command-metadata';
import { ProviderProber, type ConnectionTest } from '../runtime/provider-prober';
import { CatalogAdmin } from './catalog-admin';
import type { ProviderView } from './catalog.views';
import {
  ChangeProviderDto,
  providerChangesFromDto,
  providerSpecFromDto,
  RegisterProviderDto,
  TestProviderDto,
} from './provider.dto';
import { dtoSchema } from '../http/openapi';
import { ApiNoContent, ApiView } from '../http/openapi-views';

/** GET /api/v1/admin/providers */
export interface ProviderViewList {
  readonly data: readonly ProviderView[];
}

export const metadataOf = (request: AuthenticatedRequest): EventMetadata =>
  commandMetadata(request, request.principal!);

/** Admin: providers. Platform keys go in, only masked forms come out. */
@ApiTags('admin: providers')
@ApiBearerAuth()
@Controller('api/v1/admin/providers')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class ProvidersController {
  constructor(
    @Inject(CatalogAdmin) private readonly catalog: CatalogAdmin,
    @Inject(ProviderProber) private readonly prober: ProviderProber,
  ) {}

  @ApiView('ProviderViewList')
  @Get()
  list(): ProviderViewList {
    return { data: this.catalog.providers() };
  }

  @ApiView('ProviderView')
  @Get(':slug')
  get(@Param('slug') slug: string): ProviderView {
    return this.catalog.provider(slug);
  }

  @ApiBody({ schema: dtoSchema('RegisterProviderDto') })
  @ApiView('ProviderView', 201)
  @Post()
  async register(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProviderView> {
    const dto = validateDto(RegisterProviderDto, body, { strict: true });
    await this.catalog.execute(
      'provider',
      dto.slug,
      new RegisterProviderCommand(
        providerSpecFromDto(dto),
        dto.enabled ?? true,
        dto.apiKey,
        metadataOf(request),
      ),
    );
    void reply.status(201).header('location', `/api/v1/admin/providers/${dto.slug}`);
    return this.catalog.provider(dto.slug);
  }

  @ApiBody({ schema: dtoSchema('ChangeProviderDto') })
  @ApiView('ProviderView')
  @Put(':slug')
  async change(
    @Param('slug') slug: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<ProviderView> {
    const dto = validateDto(ChangeProviderDto, body, { strict: true });
    await this.catalog.execute(
      'provider',
      slug,
      new ChangeProviderCommand(slug, providerChangesFromDto(dto), metadataOf(request)),
    );
    return this.catalog.provider(slug);
  }

  @ApiNoContent()
  @Delete(':slug')
  @HttpCode(204)
  async remove(@Param('slug') slug: string, @Req() request: AuthenticatedRequest): Promise<void> {
    await this.catalog.execute('provider', slug, new RemoveProviderCommand(slug, metadataOf(request)));
  }

  /** A live call to the provider's model listing: reachability, key accepted, latency. */
  @ApiBody({ schema: dtoSchema('TestProviderDto') })
  @ApiView('ConnectionTest')
  @Post(':slug/test')
  @HttpCode(200)
  test(@Param('slug') slug: string, @Body() body: unknown): Promise<ConnectionTest> {
    const dto = validateDto(TestProviderDto, body ?? {}, { strict: true });
    return this.prober.test(slug, dto.apiKey);
  }
}
