import { TEST_CHAIN_KEY, eventStoreContract } from '@gw/eventstore/testing';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('in-memory', () =>
  Promise.resolve({
    store: new InMemoryEventStore({ chainKey: TEST_CHAIN_KEY }),
    cleanup: () => Promise.resolve(),
  }),
);
