export * from './budget-store.contract';
