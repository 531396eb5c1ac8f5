import type { PowerLevel, Role, Tier } from '@gw/shared-kernel';

/** Who is calling: resolved from a gateway key on every request, from memory. */
export interface Principal {
  readonly userId: string;
  readonly keyId: string;
  /** What the caller may do: `user`, `admin` (everything), `auditor` (read audit streams). */
  readonly roles: readonly Role[];
  readonly tier: Tier;
  readonly powerLevel: PowerLevel;
  /** The caller's own provider keys only, never the platform's (absent = false). */
  readonly byokOnly?: boolean;
  /** Access tokens: when the session signed in (ms since the epoch), if the token says. */
  readonly signedInAt?: number;
}

/** Does the caller hold this role? */
export const hasRole = (principal: Pick<Principal, 'roles'>, role: Role): boolean =>
  principal.roles.includes(role);
