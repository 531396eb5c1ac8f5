const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for a condition, not for time: polls `probe` until it returns something other than
 * `undefined` and resolves with that, or fails naming `what` once `timeoutMs` has passed. (To show
 * that something did NOT happen, wait with it for a later marker — a later event — instead.)
 *
 *   const usage = await eventually(async () => { const u = await read(); return u.requests === 2 ? u : undefined; },
 *     10_000, 'two requests in the usage read model');
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
  intervalMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
}
