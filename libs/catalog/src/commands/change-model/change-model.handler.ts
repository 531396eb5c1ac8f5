import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock } from '@gw/shared-kernel';
import { toModelStreamId } from '../../domain/model.events';
import { modelDecider } from '../../domain/model.decider';
import { toCatalogResult, type CatalogCommandResult } from '../catalog-command-result';
import { ChangeModelCommand } from './change-model.command';

@CommandHandler(ChangeModelCommand)
export class ChangeModelHandler implements ICommandHandler<ChangeModelCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ provider, model, changes, metadata }: ChangeModelCommand): Promise<CatalogCommandResult> {
    const result = await handleCommandNow(
      this.store,
      toModelStreamId(provider, model),
      modelDecider,
      this.clock,
      metadata,
      (now) => ({
        type: 'ChangeModel' as const,
        data: { provider, model, ...changes, by: metadata.actorId },
        metadata: { now },
      }),
    );
    return toCatalogResult(result);
  }
}
