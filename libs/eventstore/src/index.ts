export * from './event-store.port';
export * from './event-store.errors';
export * from './append-checks';
export * from './adapters/in-memory/in-memory-event-store';
export * from './command-handling/handle-command';
export * from './group-commit/group-commit-writer';
export * from './adapters/postgres/postgres-event-store';
export * from './adapters/esdb/esdb-event-store';
