const announced = new Set<string>();

/**
 * Says why a suite is skipped, straight to stderr: jest drops console output of skipped files,
 * and a skip must never pass silently for a run. Each reason is printed once per test file.
 */
export function announceSkip(reason: string): void {
  if (announced.has(reason)) return;
  announced.add(reason);
  process.stderr.write(`SKIPPED: ${reason}\n`);
}

/**
 * `describe` when the suite can run here; otherwise `describe.skip`, with `reason` printed once, so
 * that jest counts its tests as skipped instead of never seeing them.
 *
 *   describeIf(Boolean(process.env.EVENTSTORE_URL), 'EventStoreDB suite: EVENTSTORE_URL is not set')('EsdbEventStore', () => …);
 */
export function describeIf(canRun: boolean, reason: string): jest.Describe {
  if (canRun) return describe;
  announceSkip(reason);
  return describe.skip;
}

export type TestDeclaration = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `it` when the case applies; otherwise `it.skip` with the reason in its title (and printed once), for
 * contract cases an adapter is known not to satisfy: declared and counted, never left out.
 */
export function itIf(applies: boolean, reason: string): TestDeclaration {
  if (applies) return (name, fn, timeout) => it(name, fn, timeout);
  announceSkip(reason);
  return (name, fn, timeout) => it.skip(`${name} [skipped: ${reason}]`, fn, timeout);
}
