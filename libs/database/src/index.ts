export * from './database.config';
export * from './create-database';
export * from './migrate';
export * from './knex.token';
export * from './data-dir-lock';
export * from './private-files';
export * from './pglite-settings';
