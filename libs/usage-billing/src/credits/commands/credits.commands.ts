import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommandNow, type CommandResult, type EventStore } from '@gw/eventstore';
import { CLOCK, type Clock, type EventMetadata } from '@gw/shared-kernel';
import { creditsDecider, type CreditsCommand } from '../credits.decider';
import { toCreditsStreamId, type CreditsEvent } from '../credits.events';

type DataOf<T extends CreditsCommand['type']> = Extract<CreditsCommand, { type: T }>['data'];

/** Admin grant or promotion: once per grant id. */
export class GrantCreditsCommand extends Command<CommandResult<CreditsEvent>> {
  constructor(
    readonly data: DataOf<'GrantCredits'>,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** A pending purchase of a credit package. */
export class StartCheckoutCommand extends Command<CommandResult<CreditsEvent>> {
  constructor(
    readonly data: DataOf<'StartCheckout'>,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** The payment provider's confirmation: buys the credits once per payment. */
export class CompletePurchaseCommand extends Command<CommandResult<CreditsEvent>> {
  constructor(
    readonly data: DataOf<'CompletePurchase'>,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** The month's spend reached the user's cap: recorded once per month. */
export class RecordSpendingCapReachedCommand extends Command<CommandResult<CreditsEvent>> {
  constructor(
    readonly data: DataOf<'RecordSpendingCapReached'>,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** Runs the credits decider on the user's stream `credits-{userId}`. */
function onCredits(
  store: EventStore,
  clock: Clock,
  type: CreditsCommand['type'],
  command:
    GrantCreditsCommand | StartCheckoutCommand | CompletePurchaseCommand | RecordSpendingCapReachedCommand,
): Promise<CommandResult<CreditsEvent>> {
  return handleCommandNow(
    store,
    toCreditsStreamId(command.data.userId),
    creditsDecider,
    clock,
    command.metadata,
    (now) => ({ type, data: command.data, metadata: { now } }) as CreditsCommand,
  );
}

@CommandHandler(GrantCreditsCommand)
export class GrantCreditsHandler implements ICommandHandler<GrantCreditsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: GrantCreditsCommand): Promise<CommandResult<CreditsEvent>> {
    return onCredits(this.store, this.clock, 'GrantCredits', command);
  }
}

@CommandHandler(StartCheckoutCommand)
export class StartCheckoutHandler implements ICommandHandler<StartCheckoutCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: StartCheckoutCommand): Promise<CommandResult<CreditsEvent>> {
    return onCredits(this.store, this.clock, 'StartCheckout', command);
  }
}

@CommandHandler(CompletePurchaseCommand)
export class CompletePurchaseHandler implements ICommandHandler<CompletePurchaseCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: CompletePurchaseCommand): Promise<CommandResult<CreditsEvent>> {
    return onCredits(this.store, this.clock, 'CompletePurchase', command);
  }
}

/** Every credits handler, for the module. */

@CommandHandler(RecordSpendingCapReachedCommand)
export class RecordSpendingCapReachedHandler implements ICommandHandler<RecordSpendingCapReachedCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: RecordSpendingCapReachedCommand): Promise<CommandResult<CreditsEvent>> {
    return onCredits(this.store, this.clock, 'RecordSpendingCapReached', command);
  }
}

export const CREDITS_HANDLERS = [
  GrantCreditsHandler,
  StartCheckoutHandler,
  CompletePurchaseHandler,
  RecordSpendingCapReachedHandler,
];
