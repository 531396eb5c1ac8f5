import { itIf } from '@gw/shared-kernel/testing';
import { appendManyCases } from './cases/append-many.cases';
import { appendReadCases } from './cases/append-read.cases';
import { chainCases } from './cases/chain.cases';
import { expectedRevisionCases } from './cases/expected-revision.cases';
import { idempotencyCases } from './cases/idempotency.cases';
import { readAllCases } from './cases/read-all.cases';
import { subscribeCases } from './cases/subscribe.cases';
import {
  RecordingEventStore,
  WHY_NOT,
  waitUntilVisible,
  type ContractContext,
  type ContractOptions,
  type EventStoreFactory,
  type EventStoreFixture,
} from './contract-fixtures';

const DEFAULTS: Required<ContractOptions> = {
  isolated: true,
  detectsDuplicateIdsAcrossStreams: true,
  fullIdempotency: true,
  timeoutMs: 4000,
};

/**
 * The one behaviour every EventStore adapter must have (STYLE.md §8). `make` is called once for the
 * suite (tests use their own random stream ids) and once more for the empty-store test when `isolated`.
 *
 *   eventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore(), cleanup: async () => {} }));
 */
export function eventStoreContract(
  name: string,
  make: EventStoreFactory,
  options: ContractOptions = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture | undefined;
    let recording: RecordingEventStore | undefined;
    const resolved = { ...DEFAULTS, ...options };
    const store = (): RecordingEventStore => {
      if (!recording) throw new Error('The store is not ready (make() failed?)');
      return recording;
    };
    const ctx: ContractContext = {
      make,
      options: resolved,
      store,
      requires: (capability) =>
        itIf(resolved[capability], `EventStore contract on ${name}: ${WHY_NOT[capability]}`),
      start: async () => {
        const last = store().lastWritten;
        if (last) await waitUntilVisible(store(), last, resolved.timeoutMs);
        return (await store().headPosition()) ?? undefined;
      },
    };

    beforeAll(async () => {
      fixture = await make();
      recording = new RecordingEventStore(fixture.store);
    });
    afterAll(async () => {
      await fixture?.cleanup();
    });

    describe('append and readStream', () => appendReadCases(ctx));
    describe('expected revision', () => expectedRevisionCases(ctx));
    describe('idempotency', () => idempotencyCases(ctx));
    describe('appendMany', () => appendManyCases(ctx));
    describe('readAll and headPosition', () => readAllCases(ctx));
    describe('subscribeToAll', () => subscribeCases(ctx));
    describe('hash chain', () => chainCases(ctx));
  });
}
