export const KNEX = Symbol('Knex');
