/**
 * Remembers which prompts the mock has served (by hash, bounded, oldest forgotten first) so that a
 * repeated long prompt reports cached tokens, as OpenAI's prompt cache does.
 */
export class PromptMemory {
  private readonly seen = new Set<number>();

  constructor(private readonly capacity: number) {}

  /** Records the prompt; true when it had been seen before. */
  remember(hash: number): boolean {
    if (this.seen.has(hash)) return true;
    this.seen.add(hash);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    return false;
  }
}
