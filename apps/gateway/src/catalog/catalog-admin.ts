import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, type Command } from '@nestjs/cqrs';
import type { CatalogCommandResult } from '@gw/catalog';
import { NotFoundError } from '@gw/shared-kernel';
import { ChatContext } from '../chat/chat-context';
import { waitUntil } from '../http/wait-until';
import { CatalogState } from '../runtime/catalog-state';
import { toModelView, toProviderView, type ModelView, type ProviderView } from './catalog.views';

/** Reads for the admin catalog endpoints, from this instance's in-memory catalog view. */
@Injectable()
export class CatalogAdmin {
  constructor(
    @Inject(CatalogState) private readonly catalog: CatalogState,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  providers(): ProviderView[] {
    return this.catalog.view.providers().map((p) => this.provider(p.spec.slug));
  }

  /** One provider, or a 404. */
  provider(slug: string): ProviderView {
    const p = this.catalog.view.provider(slug);
    if (!p)
      throw new NotFoundError('CATALOG.PROVIDER_NOT_FOUND', `The provider \`${slug}\` does not exist.`, {
        param: 'slug',
      });
    return toProviderView(
      p,
      this.catalog.status(p),
      this.catalog.view.models(slug).length,
      this.context.health.snapshot(slug),
    );
  }

  models(provider?: string): ModelView[] {
    return this.catalog.view.models(provider).map((m) => this.model(m.id));
  }

  /** One model (of a registered provider), or a 404. */
  model(id: string): ModelView {
    const m = this.catalog.view.model(id);
    const p = m && this.catalog.view.provider(m.spec.provider);
    if (!m || !p)
      throw new NotFoundError('CATALOG.MODEL_NOT_FOUND', `The model \`${id}\` does not exist.`, {
        param: 'model',
      });
    return toModelView(m, this.catalog.status(p) === 'active');
  }

  /** Runs a catalog command; answers once this instance routes with its events (the next request sees them). */
  async execute(
    kind: 'provider' | 'model',
    key: string,
    command: Command<CatalogCommandResult>,
  ): Promise<void> {
    const result = await this.commands.execute(command);
    if (result.changed) await waitUntil(() => this.catalog.hasApplied(kind, key, result.version));
  }
}
