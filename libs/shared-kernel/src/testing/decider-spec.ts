import type { Decider } from '../decider';
import type { DomainEvent } from '../events';

/**
 * Given/when/then for deciders (STYLE.md §8):
 *   given([registered]).when(revoke).then([revoked])
 *   given([registered, revoked]).when(rotate).thenThrows(IllegalStateError)
 */
export const deciderSpec =
  <TCommand, TEvent extends DomainEvent, TState>(decider: Decider<TCommand, TEvent, TState>) =>
  (history: readonly TEvent[]) => ({
    when: (command: TCommand) => {
      const run = (): TEvent[] =>
        decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: readonly TEvent[]): void => {
          expect(run()).toEqual(expected);
        },
        thenThrows: (errorType: new (...args: never[]) => Error, code?: string): void => {
          let thrown: unknown;
          try {
            run();
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toBeInstanceOf(errorType);
          if (code !== undefined) expect((thrown as { code?: string }).code).toBe(code);
        },
        thenState: (expected: TState): void => {
          const events = run();
          expect([...history, ...events].reduce(decider.evolve, decider.initialState())).toEqual(expected);
        },
      };
    },
  });
