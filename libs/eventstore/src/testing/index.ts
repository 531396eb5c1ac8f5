export { eventStoreContract } from './event-store.contract';
export {
  anEvent,
  someEvents,
  newStreamId,
  TEST_CHAIN_KEY,
  testAuditKeys,
  eventually,
  waitUntilVisible,
  Collector,
  type ContractOptions,
  type EventStoreFactory,
  type EventStoreFixture,
} from './contract-fixtures';
