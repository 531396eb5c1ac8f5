import { budgetStoreContract, drainableStoreContract } from '../testing/budget-store.contract';
import { InMemoryBudgetStore } from './in-memory-budget-store';

describe('InMemoryBudgetStore', () => {
  budgetStoreContract('memory', () => {
    const store = new InMemoryBudgetStore();
    return Promise.resolve({ store, twin: store, close: () => store.close() });
  });
  drainableStoreContract('memory', () => {
    const store = new InMemoryBudgetStore();
    return Promise.resolve({ store, close: () => store.close() });
  });
});
