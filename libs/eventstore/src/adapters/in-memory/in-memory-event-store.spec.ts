import { eventStoreContract } from '@gw/eventstore/testing';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('in-memory', () =>
  Promise.resolve({ store: new InMemoryEventStore(), cleanup: () => Promise.resolve() }),
);
