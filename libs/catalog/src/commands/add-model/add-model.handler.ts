import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { toModelStreamId } from '../../domain/model.events';
import { modelDecider } from '../../domain/model.decider';
import { toCatalogResult, type CatalogCommandResult } from '../catalog-command-result';
import { loadProviderState } from '../provider-state';
import { AddModelCommand } from './add-model.command';

@CommandHandler(AddModelCommand)
export class AddModelHandler implements ICommandHandler<AddModelCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ spec, enabled, metadata }: AddModelCommand): Promise<CatalogCommandResult> {
    const providerRegistered = (await loadProviderState(this.store, spec.provider)).status === 'registered';
    const result = await handleCommandNow(
      this.store,
      toModelStreamId(spec.provider, spec.model),
      modelDecider,
      this.clock,
      metadata,
      (now) => ({
        type: 'AddModel' as const,
        data: { spec, enabled, seeded: false, providerExists: providerRegistered, by: metadata.actorId },
        metadata: { now },
      }),
    );
    return toCatalogResult(result);
  }
}
