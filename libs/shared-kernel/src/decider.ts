import type { DomainEvent } from './events';

/** An aggregate as three pure functions (STYLE.md §2). */
export interface Decider<TCommand, TEvent extends DomainEvent, TState> {
  readonly initialState: () => TState;
  readonly evolve: (state: TState, event: TEvent) => TState;
  readonly decide: (command: TCommand, state: TState) => TEvent[];
}

export const fold = <TEvent extends DomainEvent, TState>(
  decider: Pick<Decider<unknown, TEvent, TState>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState => events.reduce(decider.evolve, decider.initialState());

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
