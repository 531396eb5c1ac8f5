import { canonicalJson, chainEvents, verifyChain } from './event-chain';
import type { RecordedEvent } from '@gw/shared-kernel';
import { anEvent } from '../testing/contract-fixtures';

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [1, undefined, 'x'], c: undefined, d: { z: null, y: true } })).toBe(
      '{"a":[1,null,"x"],"b":1,"d":{"y":true,"z":null}}',
    );
  });

  it('is the same for a value and its JSON round trip (what every store reads back)', () => {
    const value = { when: new Date('2026-01-01T00:00:00.000Z'), n: 1e21, f: 0.1, s: 'ü😀\n"', neg: -0 };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it('orders keys by UTF-16 code units (RFC 8785)', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4 })).toBe(
      '{"\\r":2,"1":4,"€":1,"😀":3}',
    );
  });
});

describe('chainEvents and verifyChain', () => {
  const recorded = (streamId: string): RecordedEvent[] =>
    chainEvents([anEvent(), anEvent(), anEvent()], streamId, 0n, null).map((e, i) => ({
      ...e,
      streamId,
      revision: BigInt(i),
      position: { commit: BigInt(i), prepare: BigInt(i) },
    }));

  it('verifies a chain it made, and leaves the caller’s events alone', () => {
    const events = [anEvent()];
    chainEvents(events, 's-1', 0n, null);
    expect(events[0]!.metadata.chain).toBeUndefined();
    expect(verifyChain(recorded('s-1'))).toEqual({ verified: true, events: 3, firstBreak: null });
  });

  it('finds a stream that does not start at prev = null', () => {
    const events = recorded('s-1');
    const first = events[0]!;
    const moved = { ...first, metadata: { ...first.metadata, chain: { prev: 'ab'.repeat(32), hash: 'x' } } };
    expect(verifyChain([moved, ...events.slice(1)]).firstBreak).toEqual({
      revision: 0n,
      reason: 'prev_mismatch',
    });
  });
});
