import type { Knex } from 'knex';
import type { Position } from '@gw/shared-kernel';

export const RELAY_CHECKPOINTS_TABLE = 'relay_checkpoints';

/** Where the relay remembers the position of the last event the broker acknowledged. */
export interface RelayCheckpoints {
  load(): Promise<Position | null>;
  save(position: Position): Promise<void>;
}

interface Row {
  readonly commit_position: string;
  readonly prepare_position: string;
}

/** One row per relay in `relay_checkpoints` (migration 20261210120000). */
export class KnexRelayCheckpoints implements RelayCheckpoints {
  constructor(
    private readonly db: Knex,
    readonly name: string,
  ) {}

  async load(): Promise<Position | null> {
    // numeric(20,0) as text: neither driver turns it into a float.
    const result = await this.db.raw<{ rows: Row[] }>(
      `select commit_position::text as commit_position, prepare_position::text as prepare_position
         from ?? where name = ?`,
      [RELAY_CHECKPOINTS_TABLE, this.name],
    );
    const row = result.rows[0];
    return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : null;
  }

  async save(position: Position): Promise<void> {
    await this.db(RELAY_CHECKPOINTS_TABLE)
      .insert({
        name: this.name,
        commit_position: position.commit.toString(),
        prepare_position: position.prepare.toString(),
        updated_at: this.db.fn.now(),
      })
      .onConflict('name')
      .merge(['commit_position', 'prepare_position', 'updated_at']);
  }
}

/** For unit tests: a checkpoint in memory (it survives a relay restart, not a process restart). */
export class InMemoryRelayCheckpoints implements RelayCheckpoints {
  position: Position | null = null;
  saves = 0;
  private failures = 0;

  /** The next `count` saves fail (the database is down). */
  failNextSaves(count: number): void {
    this.failures += count;
  }

  load(): Promise<Position | null> {
    return Promise.resolve(this.position);
  }

  save(position: Position): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('checkpoint store unavailable (injected)'));
    }
    this.position = position;
    this.saves += 1;
    return Promise.resolve();
  }
}
