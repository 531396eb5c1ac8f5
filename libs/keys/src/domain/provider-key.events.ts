import type { DomainEvent } from '@gw/shared-kernel';
import type { CustomEndpoint } from './custom-endpoint';

/**
 * What every key event says about the key: which key, whose, for which provider, and how to recognise
 * it (label, last four characters, keyed fingerprint, KEK version). Never the key or its ciphertext.
 */
export interface KeyFacts {
  userId: string;
  keyId: string;
  provider: string;
  label: string;
  last4: string;
  fingerprint: string;
  kekVersion: number;
}

/** Where the secret is: the vault row (scope user, owner = userId) and its display form. */
export interface StoredKeyFacts extends KeyFacts {
  /** The vault reference's secret id (a new one on each rotation). */
  secretId: string;
  /** e.g. `sk-…wxyz`: never more than 8 characters of the key. */
  masked: string;
}

/** `custom`: provider `custom`, the caller's own endpoint (its URL and models; never a key). */
export type KeyAdded = DomainEvent<
  'KeyAdded',
  StoredKeyFacts & { priority: number; addedAt: string; custom?: CustomEndpoint }
>;
export type KeyRotated = DomainEvent<'KeyRotated', StoredKeyFacts & { rotatedAt: string }>;
export type KeyValidated = DomainEvent<'KeyValidated', KeyFacts & { validatedAt: string }>;
export type KeyValidationFailed = DomainEvent<
  'KeyValidationFailed',
  KeyFacts & {
    /** The upstream's failure kind (`auth`, `timeout`, …) and status; never its text. */
    reason: string;
    status: number | null;
    failedAt: string;
  }
>;
export type KeyEnabled = DomainEvent<'KeyEnabled', KeyFacts & { enabledAt: string }>;
export type KeyDisabled = DomainEvent<'KeyDisabled', KeyFacts & { disabledAt: string }>;
export type KeyPriorityChanged = DomainEvent<
  'KeyPriorityChanged',
  KeyFacts & { priority: number; changedAt: string }
>;
/** `label` is the new label; `previousLabel` what it was. */
export type KeyLabelChanged = DomainEvent<
  'KeyLabelChanged',
  KeyFacts & { previousLabel: string; changedAt: string }
>;
/** Why a key went: its owner removed it, or the owner's account was deleted (all keys at once). */
export type KeyRemovalReason = 'removed' | 'account_deleted';
export const KEY_REMOVAL_REASONS: readonly KeyRemovalReason[] = ['removed', 'account_deleted'];

/**
 * The key is gone; its vault row is shredded. The events stay. `reason` is absent on events written
 * before account deletion existed: read it as `removed`.
 */
export type KeyRemoved = DomainEvent<
  'KeyRemoved',
  KeyFacts & { removedAt: string; reason?: KeyRemovalReason }
>;

export type ProviderKeyEvent =
  | KeyAdded
  | KeyRotated
  | KeyValidated
  | KeyValidationFailed
  | KeyEnabled
  | KeyDisabled
  | KeyPriorityChanged
  | KeyLabelChanged
  | KeyRemoved;

export const PROVIDER_KEY_EVENT_TYPES: readonly ProviderKeyEvent['type'][] = [
  'KeyAdded',
  'KeyRotated',
  'KeyValidated',
  'KeyValidationFailed',
  'KeyEnabled',
  'KeyDisabled',
  'KeyPriorityChanged',
  'KeyLabelChanged',
  'KeyRemoved',
];

/** One stream per user: `keys-<userId>`. */
export const toKeysStreamId = (userId: string): string => `keys-${userId}`;
