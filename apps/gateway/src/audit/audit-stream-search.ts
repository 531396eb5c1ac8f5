import type { EventStore } from '@gw/eventstore';
import { TIER_POLICY_STREAM, type AccountEntry } from '@gw/accounts';
import { RATE_LIMIT_POLICY_STREAM } from '@gw/limits';
import { ROUTING_POLICY_STREAM } from '@gw/routing';
import { BILLING_POLICY_STREAM } from '@gw/usage-billing';
import { ValidationError } from '@gw/shared-kernel';

/**
 * Categories whose streams are named after an account (`keys-<userId>`: the user's provider keys,
 * `account-<userId>`, `credits-<userId>`): a search matches the account's name, username and email too.
 */
export const USER_STREAM_CATEGORIES: ReadonlySet<string> = new Set(['keys', 'account', 'credits']);

/** `policy` is no stream category of its own: it lists the four policy streams together. */
export const POLICY_CATEGORY = 'policy';
export const POLICY_STREAMS: readonly string[] = [
  BILLING_POLICY_STREAM,
  RATE_LIMIT_POLICY_STREAM,
  ROUTING_POLICY_STREAM,
  TIER_POLICY_STREAM,
].sort();

/** The account a stream is about, as the picker shows it. */
export interface AuditStreamUser {
  readonly id: string;
  readonly name: string;
  readonly username: string | null;
  readonly email: string | null;
}

export interface AuditStreamEntry {
  readonly streamId: string;
  /** The category asked for (`policy` for the policy streams). */
  readonly category: string;
  /** The account of a keys-/account-/credits- stream; null for other streams or a deleted account. */
  readonly user: AuditStreamUser | null;
}

const MAX_QUERY = 200;

/** `q` trimmed and lower-cased; null when absent or blank; a 400 when longer than 200 characters. */
export function normalizeStreamQuery(q: string | undefined): string | null {
  const needle = typeof q === 'string' ? q.trim().toLowerCase() : '';
  if (needle.length > MAX_QUERY)
    throw new ValidationError('AUDIT.INVALID_QUERY', `q is at most ${MAX_QUERY} characters`, { param: 'q' });
  return needle === '' ? null : needle;
}

/** The part of a stream id after `<category>-` (the whole id for a policy stream). */
const idPart = (streamId: string, category: string): string =>
  category === POLICY_CATEGORY ? streamId : streamId.slice(category.length + 1);

/** The account a stream of a user category is named after, if the directory still has it. */
export const streamAccount = (
  streamId: string,
  category: string,
  account: (userId: string) => AccountEntry | undefined,
): AccountEntry | undefined =>
  USER_STREAM_CATEGORIES.has(category) ? account(idPart(streamId, category)) : undefined;

/**
 * Whether a stream matches a search (lower-cased `needle`, null: every stream): part of its id after
 * the category, or part of the name, username or email of the account it is named after.
 */
export function streamMatches(
  streamId: string,
  category: string,
  needle: string | null,
  owner: AccountEntry | undefined,
): boolean {
  if (needle === null) return true;
  if (idPart(streamId, category).toLowerCase().includes(needle)) return true;
  if (!owner) return false;
  return [owner.name, owner.username, owner.email].some((v) => v?.toLowerCase().includes(needle) ?? false);
}

export function toStreamEntry(
  streamId: string,
  category: string,
  owner: AccountEntry | undefined,
): AuditStreamEntry {
  return {
    streamId,
    category,
    user: owner
      ? {
          id: owner.userId,
          name: owner.name,
          username: owner.username ?? null,
          email: owner.email ?? null,
        }
      : null,
  };
}

/** Stream ids read per store call while searching, and at most per request (then `next` goes on). */
const SCAN_PAGE = 500;
export const MAX_SCANNED = 5_000;

export interface StreamSearch {
  readonly category: string;
  readonly needle: string | null;
  readonly after: string | undefined;
  readonly limit: number;
  readonly account: (userId: string) => AccountEntry | undefined;
}

/**
 * A page of a category's streams that match the search, in id order. A search reads at most
 * MAX_SCANNED stream ids per call: a page may then hold fewer than `limit` streams with `next` set,
 * which goes on from the last id read.
 */
export async function searchStreams(
  store: EventStore,
  search: StreamSearch,
): Promise<{ readonly data: AuditStreamEntry[]; readonly next: string | null }> {
  const { category, needle, after, limit } = search;
  const found: AuditStreamEntry[] = [];
  const consider = (streamId: string): boolean => {
    const owner = streamAccount(streamId, category, search.account);
    if (streamMatches(streamId, category, needle, owner))
      found.push(toStreamEntry(streamId, category, owner));
    return found.length > limit;
  };
  const full = (): { data: AuditStreamEntry[]; next: string } => ({
    data: found.slice(0, limit),
    next: found[limit - 1]!.streamId,
  });

  if (category === POLICY_CATEGORY) {
    for (const streamId of POLICY_STREAMS.filter((id) => after === undefined || id > after)) {
      const [first] = await store.listStreams({ prefix: streamId, limit: 1 });
      if (first === streamId && consider(streamId)) return full();
    }
    return { data: found, next: null };
  }

  const prefix = `${category}-`;
  const pageSize = needle === null ? limit + 1 : SCAN_PAGE;
  let cursor = after;
  let scanned = 0;
  for (;;) {
    const page = await store.listStreams({ prefix, after: cursor, limit: pageSize });
    for (const streamId of page) {
      scanned += 1;
      cursor = streamId;
      if (consider(streamId)) return full();
    }
    if (page.length < pageSize) return { data: found, next: null };
    if (scanned >= MAX_SCANNED) return { data: found, next: cursor ?? null };
  }
}
