import { inject, Injectable, signal, type WritableSignal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import {
  AdminUsersApi,
  type CreditGrantView,
  type CreditsView,
  type GatewayKeyView,
  type LedgerEntryView,
  type ProviderKeyView,
  type UpdateUserBody,
  type UsageSummary,
  type UsageTimeseries,
  type UserView,
} from './admin-users-api';

const DAY_MS = 86_400_000;
export const USAGE_DAYS = 30;
const LEDGER_RETRIES = 8;
const LEDGER_RETRY_MS = 250;

/** The last `USAGE_DAYS` days up to the next midnight UTC (the day buckets are UTC days). */
export function usageRange(now: Date): { from: string; to: string } {
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS;
  return { from: new Date(to - USAGE_DAYS * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

/** One part of the page that loads (and fails) on its own. */
export interface Section<T> {
  readonly value: T | null;
  readonly error: ApiError | null;
}

const pending = <T>(): Section<T> => ({ value: null, error: null });

/**
 * One user's page: the account (the page fails without it), and its credits, ledger, keys and usage,
 * each loading and failing on its own so one slow or broken query does not blank the page.
 */
@Injectable()
export class UserStore {
  private readonly api = inject(AdminUsersApi);
  private id = '';
  private readonly userState = signal<UserView | null>(null);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);
  private readonly creditsState = signal<Section<CreditsView>>(pending());
  private readonly ledgerState = signal<Section<readonly LedgerEntryView[]>>(pending());
  private readonly providerKeysState = signal<Section<readonly ProviderKeyView[]>>(pending());
  private readonly apiKeysState = signal<Section<readonly GatewayKeyView[]>>(pending());
  private readonly usageState =
    signal<Section<{ summary: UsageSummary; series: UsageTimeseries }>>(pending());
  private readonly savingState = signal(false);
  private readonly revoking = signal<ReadonlySet<string>>(new Set());

  readonly user = this.userState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly credits = this.creditsState.asReadonly();
  readonly ledger = this.ledgerState.asReadonly();
  readonly providerKeys = this.providerKeysState.asReadonly();
  readonly apiKeys = this.apiKeysState.asReadonly();
  readonly usage = this.usageState.asReadonly();
  /** A profile change is on its way. */
  readonly saving = this.savingState.asReadonly();
  /** Ids of gateway keys being revoked. */
  readonly busyKeys = this.revoking.asReadonly();

  async load(id: string, now = new Date()): Promise<void> {
    this.id = id;
    this.loadingState.set(true);
    this.errorState.set(null);
    const sections = Promise.all([
      this.loadCredits(),
      this.fill(this.providerKeysState, () => this.api.providerKeys(id).then((r) => r.data)),
      this.fill(this.apiKeysState, () => this.api.apiKeys(id).then((r) => r.data)),
      this.fill(this.usageState, async () => {
        const range = usageRange(now);
        const [summary, series] = await Promise.all([
          this.api.usageSummary(id, range),
          this.api.usageTimeseries(id, range),
        ]);
        return { summary, series };
      }),
    ]);
    try {
      this.userState.set(await this.api.get(id));
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
    await sections;
  }

  loadCredits(): Promise<void> {
    const id = this.id;
    return Promise.all([
      this.fill(this.creditsState, () => this.api.credits(id)),
      this.fill(this.ledgerState, () => this.api.ledger(id).then((p) => p.data)),
    ]).then(() => undefined);
  }

  /** Tier, roles or disabled; answers the account as it now stands. Throws ApiError. */
  async update(body: UpdateUserBody): Promise<UserView> {
    this.savingState.set(true);
    try {
      const user = await this.api.update(this.id, body);
      this.userState.set(user);
      return user;
    } finally {
      this.savingState.set(false);
    }
  }

  /** Deletes the account for good. Throws ApiError. */
  async delete(): Promise<void> {
    this.savingState.set(true);
    try {
      await this.api.delete(this.id);
    } finally {
      this.savingState.set(false);
    }
  }

  /** Grants credits, then shows the new balance and ledger. Throws ApiError. */
  async grantCredits(amountMicros: string, reason: string, idempotencyKey: string): Promise<CreditGrantView> {
    const grant = await this.api.grantCredits(this.id, amountMicros, reason, idempotencyKey);
    await this.loadCredits();
    // The ledger (and, with several instances, the balance) may be a moment behind the grant.
    for (let i = 0; i < LEDGER_RETRIES && !this.inLedger(grant.grantId); i++) {
      await new Promise((resolve) => setTimeout(resolve, LEDGER_RETRY_MS));
      await this.loadCredits();
    }
    return grant;
  }

  private inLedger(reference: string): boolean {
    const entries = this.ledgerState().value;
    return entries === null || entries.some((e) => e.reference === reference);
  }

  /** Revokes one of the user's gateway keys at once. Throws ApiError. */
  async revokeApiKey(keyId: string): Promise<void> {
    this.revoking.update((s) => new Set(s).add(keyId));
    try {
      await this.api.revokeApiKey(this.id, keyId);
      this.apiKeysState.update((s) => ({ ...s, value: (s.value ?? []).filter((k) => k.id !== keyId) }));
      this.userState.update((u) => (u ? { ...u, apiKeys: Math.max(0, u.apiKeys - 1) } : u));
    } finally {
      this.revoking.update((s) => {
        const next = new Set(s);
        next.delete(keyId);
        return next;
      });
    }
  }

  private async fill<T>(target: WritableSignal<Section<T>>, read: () => Promise<T>): Promise<void> {
    try {
      const value = await read();
      target.set({ value, error: null });
    } catch (e) {
      target.set({ value: null, error: asApiError(e) });
    }
  }
}
