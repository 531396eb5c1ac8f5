import type { AccountEntry } from '@gw/accounts';
import { InMemoryEventStore } from '@gw/eventstore';
import { newId, ValidationError } from '@gw/shared-kernel';
import {
  normalizeStreamQuery,
  POLICY_STREAMS,
  searchStreams,
  streamMatches,
  toStreamEntry,
} from './audit-stream-search';

const ada = {
  userId: 'u-1',
  name: 'Ada Lovelace',
  username: 'ada',
  email: 'ada@example.test',
} as AccountEntry;

describe('audit stream search', () => {
  it('normalizes the search: trimmed, lower case, blank is none, over 200 characters a 400', () => {
    expect(normalizeStreamQuery('  Ada ')).toBe('ada');
    expect(normalizeStreamQuery('   ')).toBeNull();
    expect(normalizeStreamQuery(undefined)).toBeNull();
    expect(() => normalizeStreamQuery('x'.repeat(201))).toThrow(ValidationError);
  });

  it("matches the id after the category, or the name, username or email of the stream's account", () => {
    expect(streamMatches('keys-u-1', 'keys', null, undefined)).toBe(true);
    expect(streamMatches('keys-u-1', 'keys', 'u-1', undefined)).toBe(true);
    expect(streamMatches('keys-u-1', 'keys', 'keys', undefined)).toBe(false);
    for (const needle of ['lovelace', 'ada', 'example.test'])
      expect(streamMatches('keys-u-1', 'keys', needle, ada)).toBe(true);
    expect(streamMatches('keys-u-1', 'keys', 'turing', ada)).toBe(false);
    expect(streamMatches('rate-limit-policy', 'policy', 'rate', undefined)).toBe(true);
  });

  it('names the account of a stream, or none', () => {
    expect(toStreamEntry('keys-u-1', 'keys', ada)).toEqual({
      streamId: 'keys-u-1',
      category: 'keys',
      user: { id: 'u-1', name: 'Ada Lovelace', username: 'ada', email: 'ada@example.test' },
    });
    expect(toStreamEntry('provider-x', 'provider', undefined).user).toBeNull();
  });

  it('pages the matches of a category in id order, and lists the existing policy streams', async () => {
    const store = new InMemoryEventStore();
    const append = (streamId: string) =>
      store.append({
        streamId,
        events: [
          {
            id: newId(),
            type: 'Something',
            version: 1,
            data: {},
            occurredAt: new Date(),
            metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', tenantId: 't' },
          },
        ],
      });
    for (const id of ['keys-a1', 'keys-b2', 'keys-a3', 'keys-a4', 'provider-a9', POLICY_STREAMS[1]!])
      await append(id);
    const search = { category: 'keys', needle: 'a', limit: 2, account: () => undefined };
    const first = await searchStreams(store, { ...search, after: undefined });
    expect(first).toEqual({
      data: [toStreamEntry('keys-a1', 'keys', undefined), toStreamEntry('keys-a3', 'keys', undefined)],
      next: 'keys-a3',
    });
    const second = await searchStreams(store, { ...search, after: 'keys-a3' });
    expect(second.data.map((e) => e.streamId)).toEqual(['keys-a4']);
    expect(second.next).toBeNull();
    const policy = await searchStreams(store, {
      ...search,
      category: 'policy',
      needle: null,
      after: undefined,
    });
    expect(policy).toEqual({ data: [toStreamEntry(POLICY_STREAMS[1]!, 'policy', undefined)], next: null });
  });
});
