/**
 * Says why a suite is skipped, straight to stderr: jest drops console output of skipped files,
 * and a skip must never pass silently for a run.
 */
export function announceSkip(reason: string): void {
  process.stderr.write(`SKIPPED: ${reason}\n`);
}
