import type { ModelSpecData } from './model.events';

export interface AddModel {
  readonly type: 'AddModel';
  readonly data: {
    readonly spec: ModelSpecData;
    readonly enabled: boolean;
    /** The seed adds only what was never added; an admin gets a conflict instead. */
    readonly seeded: boolean;
    /** Whether the provider is registered (the handler looks it up; the decider stays pure). */
    readonly providerExists: boolean;
    readonly by: string;
  };
  readonly metadata: { readonly now: Date };
}

/** Everything an admin may change in one go; absent fields stay as they are. */
export interface ChangeModel {
  readonly type: 'ChangeModel';
  readonly data: {
    readonly provider: string;
    readonly model: string;
    readonly spec?: Partial<Omit<ModelSpecData, 'provider' | 'model'>>;
    readonly enabled?: boolean;
    readonly disabledReason?: string | null;
    /** Deprecate (replacement `provider/model` or null for none). Undefined: unchanged. */
    readonly deprecation?: { readonly replacement: string | null };
    readonly by: string;
  };
  readonly metadata: { readonly now: Date };
}

export interface RemoveModel {
  readonly type: 'RemoveModel';
  readonly data: { readonly provider: string; readonly model: string; readonly by: string };
  readonly metadata: { readonly now: Date };
}

export type ModelCommand = AddModel | ChangeModel | RemoveModel;
