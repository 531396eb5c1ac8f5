import type { AccountEntry } from '@gw/accounts';
import type { UsageByUser, UsageByUserItem } from '@gw/usage-billing';

/** One user's usage in GET /api/v1/admin/usage/by-user, named from the account directory. */
export interface UsageByUserRow extends UsageByUserItem {
  /** The account's display name; null when the account was deleted since. */
  readonly name: string | null;
  readonly username: string | null;
  readonly email: string | null;
  /** The account no longer exists (its usage stays). */
  readonly deleted: boolean;
}

/** GET /api/v1/admin/usage/by-user: the top spenders, most charged first; money as micro-dollar strings. */
export interface UsageByUserView {
  readonly from: string;
  readonly to: string;
  readonly totalUsers: number;
  readonly data: readonly UsageByUserRow[];
}

export const toUsageByUserView = (
  result: UsageByUser,
  accountOf: (userId: string) => AccountEntry | undefined,
): UsageByUserView => ({
  from: result.from,
  to: result.to,
  totalUsers: result.totalUsers,
  data: result.data.map((item): UsageByUserRow => {
    const account = accountOf(item.userId);
    return {
      ...item,
      name: account?.name ?? null,
      username: account?.username ?? null,
      email: account?.email ?? null,
      deleted: account === undefined,
    };
  }),
});
