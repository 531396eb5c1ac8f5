/** What a catalog command did: the stream it touched and its revision afterwards. */
export interface CatalogCommandResult {
  readonly streamId: string;
  /** Revision of the stream's last event (-1n: none). */
  readonly version: bigint;
  /** Whether any event was appended (false: the command changed nothing). */
  readonly changed: boolean;
}

export const toCatalogResult = (result: {
  readonly streamId: string;
  readonly version: bigint;
  readonly events: readonly unknown[];
}): CatalogCommandResult => ({
  streamId: result.streamId,
  version: result.version,
  changed: result.events.length > 0,
});
