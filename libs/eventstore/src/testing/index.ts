export { eventStoreContract } from './event-store.contract';
export {
  anEvent,
  someEvents,
  newStreamId,
  eventually,
  waitUntilVisible,
  Collector,
  type ContractOptions,
  type EventStoreFactory,
  type EventStoreFixture,
} from './contract-fixtures';
