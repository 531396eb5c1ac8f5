import type { Position } from '@gw/shared-kernel';
import type { Projection } from '../projection';
import type { ProjectionRuntime, ProjectionStatus } from './projection-runner.options';
import { ProjectionRunner, type WaitOptions } from './projection-runner';

export function assertDistinctNames(projections: readonly Projection[]): void {
  const seen = new Set<string>();
  for (const p of projections) {
    if (seen.has(p.name)) throw new Error(`Projection ${p.name} is registered twice`);
    seen.add(p.name);
  }
}

/** The runners of several projections (one each), started, stopped and awaited together. */
export class ProjectionRunnerGroup {
  readonly runners: readonly ProjectionRunner[];

  constructor(projections: readonly Projection[], runtime: ProjectionRuntime) {
    assertDistinctNames(projections);
    this.runners = projections.map((projection) => new ProjectionRunner({ ...runtime, projection }));
  }

  runner(name: string): ProjectionRunner | undefined {
    return this.runners.find((r) => r.name === name);
  }

  /** Starts every runner; if one cannot start, stops the others and rethrows. */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.runners.map((r) => r.start()));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await this.stop();
      throw failure.reason;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  async waitFor(position: Position, options?: WaitOptions): Promise<void> {
    await Promise.all(this.runners.map((r) => r.waitFor(position, options)));
  }

  async waitForHead(options?: WaitOptions): Promise<void> {
    await Promise.all(this.runners.map((r) => r.waitForHead(options)));
  }

  statuses(): ProjectionStatus[] {
    return this.runners.map((r) => r.status());
  }
}
