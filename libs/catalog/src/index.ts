export * from './domain/catalog.types';
export * from './seed/mock-catalog';
