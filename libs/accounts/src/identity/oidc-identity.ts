import { createHash } from 'node:crypto';
import { isRole, type Role } from '@gw/shared-kernel';

/** Keycloak puts realm roles at `realm_access.roles`; OIDC_ROLES_CLAIM names another dotted path. */
export const DEFAULT_ROLES_CLAIM = 'realm_access.roles';

/**
 * The gateway's roles among a token's claim values at `claimPath` (a dotted path; the value an array
 * of strings or one space-separated string). Values other than `admin`, `user` and `auditor` are
 * ignored (an IdP has many roles of its own); a token with none of ours is a plain `user`, so that
 * signing in through the organisation's IdP is enough to use the gateway.
 */
export function rolesFromClaims(claims: Readonly<Record<string, unknown>>, claimPath: string): Role[] {
  let value: unknown = claims;
  for (const part of claimPath.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      value = undefined;
      break;
    }
    value = (value as Record<string, unknown>)[part];
  }
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split(' ') : [];
  const roles = [...new Set(values.filter(isRole))].sort();
  return roles.length > 0 ? roles : ['user'];
}

/** The RFC 4122 URL namespace: names here are `<issuer>#<sub>`. */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * The account id of an OIDC subject: a UUID v5 of issuer and subject, so every gateway instance
 * that sees a new subject derives the same id and the `account-{id}` stream opens it once.
 */
export function subjectUserId(issuer: string, subject: string): string {
  const hash = createHash('sha1').update(URL_NAMESPACE).update(`${issuer}#${subject}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
