import type { PowerLevel, Role, Tier } from '@gw/shared-kernel';

/** Who is calling: resolved from a gateway key on every request, from memory. */
export interface Principal {
  readonly userId: string;
  readonly keyId: string;
  readonly role: Role;
  readonly tier: Tier;
  readonly powerLevel: PowerLevel;
}
