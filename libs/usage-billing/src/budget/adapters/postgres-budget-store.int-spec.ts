import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { migration } from '../../../../../migrations/20261211120000_create_budget_store';
import { budgetStoreContract, drainableStoreContract } from '../testing/budget-store.contract';
import { PostgresBudgetStore } from './postgres-budget-store';

describeBackends('PostgresBudgetStore', (kind) => {
  let db: TestDatabase;
  budgetStoreContract(kind, async () => {
    db = await openTestDatabase(kind, [migration], 'budget');
    const store = new PostgresBudgetStore(db.knex);
    return { store, twin: store, close: () => db.drop() };
  });
  let adopting: TestDatabase;
  drainableStoreContract(kind, async () => {
    adopting = await openTestDatabase(kind, [migration], 'budget_adopt');
    return { store: new PostgresBudgetStore(adopting.knex), close: () => adopting.drop() };
  });
});
