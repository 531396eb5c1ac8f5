export * from './rate-limiter.contract';
export * from './redis';
