export * from './projection';
export * from './projection-logger';
export * from './row-projection';
export { PROJECTION_CHECKPOINTS_TABLE, readProjectionCheckpoint } from './checkpoints/projection-checkpoints';
export {
  PROJECTION_DEAD_LETTERS_TABLE,
  listDeadLetters,
  type DeadLetter,
} from './dead-letters/projection-dead-letters';
export { DEFAULT_RETRY_POLICY, backoffDelay, retryPolicy, type RetryPolicy } from './runner/retry-policy';
export * from './runner/projection-runner.errors';
export * from './runner/projection-runner.options';
export { ProjectionRunner, DEFAULT_MAX_BATCH_SIZE, type WaitOptions } from './runner/projection-runner';
export { ProjectionRunnerGroup } from './runner/projection-runner-group';
export * from './rebuild/rebuild-projection';
export * from './lag/projection-lag';
