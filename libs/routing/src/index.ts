export * from './domain/routing-policy';
export * from './domain/request.events';
export * from './domain/request.decider';
export * from './ranking/rank-candidates';
export * from './health/provider-health-tracker';
