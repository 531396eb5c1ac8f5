import type { Knex } from 'knex';

/** Simulates a process crash for one runner incarnation. */
export class KillSwitch {
  private reasonValue: string | null = null;
  private resolveKilled!: (reason: string) => void;
  /** Resolves with the reason once the switch trips. */
  readonly killed = new Promise<string>((resolve) => {
    this.resolveKilled = resolve;
  });

  get tripped(): boolean {
    return this.reasonValue !== null;
  }

  get reason(): string | null {
    return this.reasonValue;
  }

  /** First reason wins; later trips are no-ops. */
  trip(reason: string): void {
    if (this.reasonValue !== null) return;
    this.reasonValue = reason;
    this.resolveKilled(reason);
  }
}

/**
 * The database as a crashed process sees it: once the switch trips, a new transaction never starts and
 * its promise never settles, so the abandoned runner can neither write nor spin. A transaction already
 * running ends as it would on the server when its client dies: its own error rolls it back, or it commits.
 * (The runner only ever uses `db.transaction`.)
 */
export function killableDatabase(
  db: Knex,
  kill: KillSwitch,
  /** Called before the n-th transaction (1-based) would start: trip the switch here to crash right there. */
  beforeTransaction: (n: number) => void = () => undefined,
): Knex {
  let started = 0;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver) as unknown;
      const transaction = target.transaction.bind(target) as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if (!kill.tripped) beforeTransaction(++started);
        return kill.tripped ? new Promise<never>(() => undefined) : transaction(...args);
      };
    },
  });
}
