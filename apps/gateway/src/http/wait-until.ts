const POLL_MS = 2;

/**
 * Waits (polling) until `done()` holds or `timeoutMs` passes; returns whether it held. Commands use it
 * to answer only once this instance's in-memory view has applied their events (read-your-writes).
 */
export async function waitUntil(done: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}
