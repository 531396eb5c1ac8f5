export * from './in-memory-broker';
export * from './kafka-schemas';
export * from './kafka-broker-suite';
export * from './sample-domain-events';
