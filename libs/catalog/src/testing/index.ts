export * from './catalog-model.fixture';
