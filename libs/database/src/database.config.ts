/** Where read models (and, without EventStoreDB, the event log) live. */
export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolMax?: number }
  | {
      readonly kind: 'pglite';
      /** A folder, or undefined for an in-memory database. */ readonly dataDir?: string;
    };
