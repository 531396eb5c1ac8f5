export * from './config/gateway-config';
export * from './config/configured-secret';
export * from './config/startup-error';
export * from './logging/create-logger';
export * from './stores/open-stores';
export * from './projections/read-model-projections';
