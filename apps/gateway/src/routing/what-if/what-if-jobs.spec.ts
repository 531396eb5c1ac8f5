import { NotFoundError } from '@gw/shared-kernel';
import { toErrorResponse } from '../../errors/error-response';
import { aggregate, type WhatIfResult } from './aggregate';
import { WhatIfBusyError, WhatIfJobs, type WhatIfJobProgress } from './what-if-jobs';
import type { WhatIfRequestView } from './what-if.views';

const REQUEST: WhatIfRequestView = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  powerLevel: null,
  filters: {},
  catalog: 'then',
  billing: 'then',
};

/**
 * A job's work the test drives (the outcome may be set before the registry starts it): progress, then
 * resolve or reject; it rejects once aborted, like the replay.
 */
class Controlled {
  signal!: AbortSignal;
  progress!: (p: WhatIfJobProgress) => void;
  started = false;
  private resolve!: (r: WhatIfResult) => void;
  private reject!: (e: Error) => void;
  private readonly outcome = new Promise<WhatIfResult>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  readonly work = (signal: AbortSignal, progress: (p: WhatIfJobProgress) => void): Promise<WhatIfResult> => {
    this.started = true;
    this.signal = signal;
    this.progress = progress;
    signal.addEventListener('abort', () => this.reject(signal.reason as Error));
    return this.outcome;
  };
  complete(result: WhatIfResult): void {
    this.resolve(result);
  }
  fail(error: Error): void {
    this.reject(error);
  }
}

/** Lets the registry start the work it scheduled (a later microtask). */
const started = async (work: Controlled): Promise<void> => {
  while (!work.started) await Promise.resolve();
};

const RESULT = aggregate([]);
const resultOf = (requests: number): WhatIfResult => ({ ...RESULT, requests });

describe('WhatIfJobs', () => {
  let nowMs: number;
  let ids: number;
  const jobs = (options: { maxFinished?: number } = {}) =>
    new WhatIfJobs({ now: () => nowMs, newId: () => `job-${++ids}`, ...options });

  beforeEach(() => {
    nowMs = Date.parse('2026-12-07T12:00:00.000Z');
    ids = 0;
  });

  it('runs a job: running with progress, then done with the result and 100 %', async () => {
    const registry = jobs();
    const work = new Controlled();
    const first = registry.start(REQUEST, work.work);
    expect(first).toEqual({
      id: 'job-1',
      status: 'running',
      percent: 0,
      processed: 0,
      startedAt: '2026-12-07T12:00:00.000Z',
      finishedAt: null,
      request: REQUEST,
      result: null,
      error: null,
    });
    await started(work);
    work.progress({ percent: 42.7, processed: 1_000 });
    expect(registry.get('job-1')).toMatchObject({ status: 'running', percent: 42, processed: 1_000 });
    // Progress never goes back
    work.progress({ percent: 10, processed: 1_200 });
    expect(registry.get('job-1')).toMatchObject({ percent: 42, processed: 1_200 });

    nowMs += 2_500;
    work.complete(resultOf(1_234));
    await registry.settled('job-1');
    expect(registry.get('job-1')).toEqual({
      ...first,
      status: 'done',
      percent: 100,
      processed: 1_234,
      finishedAt: '2026-12-07T12:00:02.500Z',
      result: resultOf(1_234),
    });
  });

  it('a job whose work fails is failed with its message (never a throw to the caller)', async () => {
    const registry = jobs();
    const work = new Controlled();
    registry.start(REQUEST, work.work);
    const sync = registry.start(REQUEST, () => {
      throw new Error('broken at once');
    });
    work.fail(new Error('the event store went away'));
    await registry.settled('job-1');
    await registry.settled(sync.id);
    expect(registry.get('job-1')).toMatchObject({
      status: 'failed',
      error: 'the event store went away',
      result: null,
    });
    expect(registry.get(sync.id)).toMatchObject({ status: 'failed', error: 'broken at once' });
  });

  it('cancel aborts the signal, answers cancelled at once; a finished job is answered unchanged', async () => {
    const registry = jobs();
    const work = new Controlled();
    registry.start(REQUEST, work.work);
    await started(work);
    nowMs += 700;
    const cancelled = registry.cancel('job-1');
    expect(cancelled).toMatchObject({ status: 'cancelled', finishedAt: '2026-12-07T12:00:00.700Z' });
    expect(work.signal.aborted).toBe(true);
    await registry.settled('job-1');
    // The work's rejection after the abort does not turn it into failed
    expect(registry.get('job-1')).toEqual(cancelled);

    const done = new Controlled();
    registry.start(REQUEST, done.work);
    done.complete(resultOf(3));
    await registry.settled('job-2');
    const view = registry.get('job-2');
    nowMs += 1_000;
    expect(registry.cancel('job-2')).toEqual(view);
    expect(done.signal.aborted).toBe(false);

    // Cancelled before its work began: the work never runs
    const never = new Controlled();
    const early = registry.start(REQUEST, never.work);
    expect(registry.cancel(early.id).status).toBe('cancelled');
    await registry.settled(early.id);
    expect(never.started).toBe(false);
    expect(registry.get(early.id).status).toBe('cancelled');
  });

  it('unknown ids are a NotFoundError (404)', () => {
    const registry = jobs();
    for (const call of [() => registry.get('nope'), () => registry.cancel('nope')]) {
      expect(call).toThrow(NotFoundError);
    }
    expect(() => registry.get('nope')).toThrow(expect.objectContaining({ code: 'WHAT_IF.JOB_NOT_FOUND' }));
  });

  it('at most 2 run at once: a third is a 429 WHAT_IF.TOO_MANY_JOBS; a finished or cancelled one frees its slot', async () => {
    const registry = jobs();
    const [a, b, c] = [new Controlled(), new Controlled(), new Controlled()];
    registry.start(REQUEST, a.work);
    registry.start(REQUEST, b.work);
    let refused: unknown;
    try {
      registry.start(REQUEST, c.work);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(WhatIfBusyError);
    expect(toErrorResponse(refused)).toMatchObject({ status: 429, code: 'WHAT_IF.TOO_MANY_JOBS' });
    expect(c.started).toBe(false);

    a.complete(resultOf(1));
    await registry.settled('job-1');
    expect(registry.start(REQUEST, c.work).status).toBe('running');
    expect(() => registry.start(REQUEST, new Controlled().work)).toThrow(WhatIfBusyError);
    registry.cancel('job-2');
    expect(registry.start(REQUEST, new Controlled().work).status).toBe('running');
  });

  it('finished jobs are kept an hour, then forgotten; running ones are never dropped', async () => {
    const registry = jobs();
    const done = new Controlled();
    const long = new Controlled();
    registry.start(REQUEST, done.work);
    registry.start(REQUEST, long.work);
    done.complete(resultOf(5));
    await registry.settled('job-1');

    nowMs += 60 * 60 * 1_000 - 1;
    expect(registry.get('job-1').status).toBe('done');
    nowMs += 1;
    expect(() => registry.get('job-1')).toThrow(NotFoundError);
    expect(registry.get('job-2').status).toBe('running');
  });

  it('keeps at most maxFinished finished jobs, dropping the oldest finished first', async () => {
    const registry = jobs({ maxFinished: 3 });
    for (let i = 1; i <= 5; i++) {
      const work = new Controlled();
      registry.start(REQUEST, work.work);
      nowMs += 1_000;
      work.complete(resultOf(i));
      await registry.settled(`job-${i}`);
    }
    expect(() => registry.get('job-1')).toThrow(NotFoundError);
    expect(() => registry.get('job-2')).toThrow(NotFoundError);
    expect([3, 4, 5].map((i) => registry.get(`job-${i}`).result?.requests)).toEqual([3, 4, 5]);
  });

  it('waitFor answers the finished job, or the running one once the wait is over', async () => {
    const registry = jobs();
    const quick = new Controlled();
    registry.start(REQUEST, quick.work);
    const waiting = registry.waitFor('job-1', 60_000);
    quick.complete(resultOf(2));
    expect((await waiting).status).toBe('done');

    const slow = new Controlled();
    registry.start(REQUEST, slow.work);
    // A wait of 0 ms ends before the work does (it is never completed here)
    expect((await registry.waitFor('job-2', 0)).status).toBe('running');
    registry.cancelAll();
    expect(registry.get('job-2').status).toBe('cancelled');
  });
});
