export * from './test-database';
export * from './backends';
