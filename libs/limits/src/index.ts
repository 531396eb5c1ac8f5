export * from './domain/rate-limits';
export * from './domain/rate-limits.events';
export * from './domain/rate-limits.decider';
export * from './commands/change-rate-limits/change-rate-limits.command';
export {
  ChangeRateLimitsHandler,
  readRateLimits,
} from './commands/change-rate-limits/change-rate-limits.handler';
export * from './policy/rate-limit-policy-view';
export * from './policy/rate-limits';
export * from './limiter/rate-limiter';
export * from './adapters/in-memory-rate-limiter';
export * from './adapters/redis-rate-limiter';
export * from './adapters/fallback-rate-limiter';
export * from './adapters/open-redis-limiter';
export * from './limits.module';
