export * from './domain/catalog.types';
export * from './seed/mock-catalog';
export * from './domain/provider-health.events';
export * from './projections/provider-health-timeline/provider-health-timeline.projection';
export * from './queries/list-provider-health-changes/list-provider-health-changes.query';
export * from './queries/list-provider-health-changes/list-provider-health-changes.handler';
export * from './catalog.module';
