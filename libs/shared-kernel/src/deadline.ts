/** A call that did not answer within its deadline. */
export class DeadlineExceededError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`no answer within ${deadlineMs} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * `call`'s outcome, or a DeadlineExceededError once `deadlineMs` have passed without one — judged
 * only after the I/O already waiting has been read. Node runs due timers before it polls sockets, so
 * a plain timer on an event loop that was busy for longer than the deadline fires ahead of a reply
 * that arrived long before (a Redis answer in 1 ms, failed as a timeout because the process was busy
 * for 150 ms): the timer defers its verdict to the check phase, after the poll phase has delivered
 * what was there. A call that really takes too long still fails at the deadline plus one loop turn.
 */
export function withDeadline<T>(call: Promise<T>, deadlineMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new DeadlineExceededError(deadlineMs));
        }),
      deadlineMs,
    );
    call.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
