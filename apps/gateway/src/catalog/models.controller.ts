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
import { ApiTags, ApiBearerAuth, ApiBody } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AddModelCommand,
  ChangeModelCommand,
  modelPriceVersions,
  RemoveModelCommand,
  toModelId,
  toModelStreamId,
} from '@gw/catalog';
import { AccessDirectory } from '@gw/accounts';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { validateDto } from '../http/validate-dto';
import { CatalogAdmin } from './catalog-admin';
import { toModelPriceVersionView, type ModelPriceVersionView, type ModelView } from './catalog.views';
import { AddModelDto, ChangeModelDto, modelChangesFromDto, modelSpecFromDto } from './model.dto';
import { metadataOf } from './providers.controller';
import { dtoSchema } from '../http/openapi';
import { ApiNoContent, ApiView } from '../http/openapi-views';

/** GET /api/v1/admin/models */
export interface ModelViewList {
  readonly data: readonly ModelView[];
}

/** GET /api/v1/admin/models/:provider/:model/prices — oldest first; the last is the model's priceVersion. */
export interface ModelPriceVersionList {
  readonly data: readonly ModelPriceVersionView[];
}

/**
 * Admin: models. A model id may contain `/` (`meta-llama/Llama-3.3-70B-Instruct-Turbo`): encode it
 * as `%2F` in the path.
 */
@ApiTags('admin: models')
@ApiBearerAuth()
@Controller('api/v1/admin/models')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class ModelsController {
  constructor(
    @Inject(CatalogAdmin) private readonly catalog: CatalogAdmin,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
  ) {}

  @ApiView('ModelViewList')
  @Get()
  list(@Query('provider') provider?: string): ModelViewList {
    return { data: this.catalog.models(provider || undefined) };
  }

  @ApiView('ModelView')
  @Get(':provider/:model')
  get(@Param('provider') provider: string, @Param('model') model: string): ModelView {
    const id = toModelId(provider, model);
    return this.catalog.model(id);
  }

  /** The model's price versions from its event stream, with who set each and when; 404 for an unknown model. */
  @ApiView('ModelPriceVersionList')
  @Get(':provider/:model/prices')
  async prices(
    @Param('provider') provider: string,
    @Param('model') model: string,
  ): Promise<ModelPriceVersionList> {
    this.catalog.model(toModelId(provider, model));
    const events = await this.store.readStream(toModelStreamId(provider, model));
    return {
      data: modelPriceVersions(events).map((v) =>
        toModelPriceVersionView(v, this.directory.account(v.changedBy)?.name ?? null),
      ),
    };
  }

  @ApiBody({ schema: dtoSchema('AddModelDto') })
  @ApiView('ModelView', 201)
  @Post()
  async add(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ModelView> {
    const dto = validateDto(AddModelDto, body, { strict: true });
    const id = toModelId(dto.provider, dto.model);
    await this.catalog.execute(
      'model',
      id,
      new AddModelCommand(modelSpecFromDto(dto), dto.enabled ?? true, metadataOf(request)),
    );
    void reply
      .status(201)
      .header('location', `/api/v1/admin/models/${dto.provider}/${encodeURIComponent(dto.model)}`);
    return this.catalog.model(id);
  }

  @ApiBody({ schema: dtoSchema('ChangeModelDto') })
  @ApiView('ModelView')
  @Put(':provider/:model')
  async change(
    @Param('provider') provider: string,
    @Param('model') model: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<ModelView> {
    const dto = validateDto(ChangeModelDto, body, { strict: true });
    const id = toModelId(provider, model);
    await this.catalog.execute(
      'model',
      id,
      new ChangeModelCommand(provider, model, modelChangesFromDto(dto), metadataOf(request)),
    );
    return this.catalog.model(id);
  }

  @ApiNoContent()
  @Delete(':provider/:model')
  @HttpCode(204)
  async remove(
    @Param('provider') provider: string,
    @Param('model') model: string,
    @Req() request: AuthenticatedRequest,
  ): Promise<void> {
    await this.catalog.execute(
      'model',
      toModelId(provider, model),
      new RemoveModelCommand(provider, model, metadataOf(request)),
    );
  }
}
