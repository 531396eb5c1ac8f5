import type { ProviderSpecData } from './provider.events';

/** What the vault returned for a freshly stored key: never the key itself. */
export interface StoredKeyRef {
  readonly secretId: string;
  readonly masked: string;
  readonly last4: string;
  readonly fingerprint: string;
  readonly kekVersion: number;
}

export interface RegisterProvider {
  readonly type: 'RegisterProvider';
  readonly data: {
    readonly spec: ProviderSpecData;
    readonly enabled: boolean;
    /** The seed registers only what was never registered; an admin gets a conflict instead. */
    readonly seeded: boolean;
    readonly platformKey?: StoredKeyRef;
    readonly by: string;
  };
  readonly metadata: { readonly now: Date };
}

/** Everything an admin may change in one go; absent fields stay as they are. */
export interface ChangeProvider {
  readonly type: 'ChangeProvider';
  readonly data: {
    readonly slug: string;
    readonly spec?: Partial<Omit<ProviderSpecData, 'slug'>>;
    readonly enabled?: boolean;
    readonly disabledReason?: string | null;
    /** A new key (already in the vault), or null to remove the current one. */
    readonly platformKey?: StoredKeyRef | null;
    readonly by: string;
  };
  readonly metadata: { readonly now: Date };
}

export interface RemoveProvider {
  readonly type: 'RemoveProvider';
  readonly data: { readonly slug: string; readonly by: string };
  readonly metadata: { readonly now: Date };
}

export type ProviderCommand = RegisterProvider | ChangeProvider | RemoveProvider;
