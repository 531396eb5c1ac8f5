import type { Tier } from '@gw/shared-kernel';
import type { CustomEndpoint } from './custom-endpoint';
import type { KeyRemovalReason } from './provider-key.events';

/** What the vault returned for a freshly stored secret, and the reference's secret id. */
export interface StoredSecretFacts {
  readonly secretId: string;
  readonly masked: string;
  readonly last4: string;
  readonly fingerprint: string;
  readonly kekVersion: number;
}

/** The caller's tier rules for BYOK, resolved before deciding (the tier policy is not the decider's). */
export interface ByokAllowance {
  readonly allowed: boolean;
  readonly keysPerProvider: number;
  /** The lowest tier that allows BYOK, for the refusal's message. */
  readonly unlockedBy: Tier | undefined;
  readonly tier: Tier;
}

export type AddProviderKey = {
  type: 'AddProviderKey';
  data: {
    userId: string;
    keyId: string;
    provider: string;
    label: string;
    /** Lower is tried first; default: after the provider's other keys. */
    priority?: number;
    stored: StoredSecretFacts;
    /** The key passed a live check just now. */
    validated: boolean;
    allowance: ByokAllowance;
    /** provider `custom`: the caller's own OpenAI-compatible endpoint (already checked). */
    custom?: CustomEndpoint;
  };
  metadata: { now: Date };
};

export type RotateProviderKey = {
  type: 'RotateProviderKey';
  data: { userId: string; keyId: string; stored: StoredSecretFacts; validated: boolean };
  metadata: { now: Date };
};

export type ChangeProviderKey = {
  type: 'ChangeProviderKey';
  data: { userId: string; keyId: string; label?: string; enabled?: boolean; priority?: number };
  metadata: { now: Date };
};

export type RecordKeyValidation = {
  type: 'RecordKeyValidation';
  data: {
    userId: string;
    keyId: string;
    /** The fingerprint of the key that was tried: a result about a key since rotated away is dropped. */
    fingerprint: string;
    outcome: { ok: true } | { ok: false; reason: string; status: number | null };
  };
  metadata: { now: Date };
};

export type RemoveProviderKey = {
  type: 'RemoveProviderKey';
  data: { userId: string; keyId: string };
  metadata: { now: Date };
};

/** Every key the user still has goes, in one append (the user's account is being deleted). */
export type RemoveAllProviderKeys = {
  type: 'RemoveAllProviderKeys';
  data: { userId: string; reason: KeyRemovalReason };
  metadata: { now: Date };
};

export type ProviderKeyCommand =
  | AddProviderKey
  | RotateProviderKey
  | ChangeProviderKey
  | RecordKeyValidation
  | RemoveProviderKey
  | RemoveAllProviderKeys;
