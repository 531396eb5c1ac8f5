export * from './database.config';
export * from './create-database';
export * from './migrate';
