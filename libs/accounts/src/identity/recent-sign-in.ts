/** Creating a gateway key with an access token needs a sign-in this recent, or the password again. */
export const RECENT_SIGN_IN_MS = 15 * 60_000;

/** How the caller of a sensitive change (creating a gateway key) authenticated. */
export type SensitiveCaller =
  /** A gateway key (sk-sy-…): whoever holds one may already call everything it can. */
  | { readonly via: 'gateway-key' }
  /** An access token; `signedInAt`: when its session signed in (undefined: not said, e.g. some OIDC tokens). */
  | { readonly via: 'access-token'; readonly signedInAt: number | undefined };

export type StepUp =
  | { readonly kind: 'none' }
  /** Check the password given in the request (throttled like a sign-in). */
  | { readonly kind: 'check-password' }
  /** Refuse: the session is too old (or its age unknown) and no password came with the request. */
  | { readonly kind: 'reauthenticate' };

/**
 * What creating a gateway key asks of its caller: nothing with a gateway key or a session signed in
 * within `maxAgeMs` (refreshing does not make a session younger); otherwise the password again.
 */
export function stepUpForSensitiveChange(
  caller: SensitiveCaller,
  passwordGiven: boolean,
  nowMs: number,
  maxAgeMs: number = RECENT_SIGN_IN_MS,
): StepUp {
  if (caller.via === 'gateway-key') return { kind: 'none' };
  const { signedInAt } = caller;
  if (signedInAt !== undefined && nowMs - signedInAt <= maxAgeMs) return { kind: 'none' };
  return passwordGiven ? { kind: 'check-password' } : { kind: 'reauthenticate' };
}
