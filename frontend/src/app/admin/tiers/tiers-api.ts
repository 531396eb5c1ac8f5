import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { Schemas } from '../../core/api/api';

export type Tier = Schemas['Tier'];
export type PowerLevel = Schemas['PowerLevel'];
export type TierPolicy = Schemas['TierPolicy'];
export type TierPolicyView = Schemas['TierPolicyView'];
export type TierPolicyVersion = Schemas['TierPolicyVersionView'];
export type TierPolicyHistory = Schemas['TierPolicyHistory'];
export type RateLimitPolicy = Schemas['RateLimitPolicy'];
export type WindowLimits = Schemas['WindowLimits'];
export type RateLimitsView = Schemas['RateLimitsView'];
export type RateLimitsVersion = Schemas['RateLimitsVersionView'];
export type RateLimitsHistory = Schemas['RateLimitsHistory'];
export type BillingPolicyView = Schemas['BillingPolicyView'];
export type BillingPolicyVersion = Schemas['BillingPolicyVersionView'];
export type BillingPolicyHistory = Schemas['BillingPolicyHistory'];
/** What a billing PUT may change: any field (the generated DTO type is too loose to use here). */
export interface BillingPolicyChanges {
  readonly powerLevelMultiplierBps?: Partial<Record<PowerLevel, number>>;
  readonly tierMarkupBps?: Partial<Record<Tier, number>>;
  readonly byokFeeBps?: number;
  readonly creditPackages?: ReadonlyArray<{ id: string; priceMicros: string; credits: number }>;
  readonly microsPerCredit?: string;
  readonly signupCreditsMicros?: string;
}
/** A rate-limit change: the tiers and fields given change, null = unlimited. */
export type RateLimitsPatch = Partial<Record<Tier, Partial<WindowLimits>>>;

const TIERS_URL = '/api/v1/admin/tiers';
const LIMITS_URL = '/api/v1/admin/limits';
const BILLING_URL = '/api/v1/admin/billing/policy';

/** `If-Match` for a version read before: the gateway answers 412 when someone changed it since. */
const ifMatch = (version: number) => ({ headers: { 'if-match': `"${version}"` } });

/**
 * The three versioned policies of /admin/tiers: tier rules, rate limits per tier and the billing
 * policy, each with its version history. Errors arrive as ApiError (interceptor).
 */
@Injectable({ providedIn: 'root' })
export class TiersApi {
  private readonly http = inject(HttpClient);

  tierPolicy(): Promise<TierPolicyView> {
    return firstValueFrom(this.http.get<TierPolicyView>(TIERS_URL));
  }

  tierPolicyHistory(): Promise<TierPolicyHistory> {
    return firstValueFrom(this.http.get<TierPolicyHistory>(`${TIERS_URL}/history`));
  }

  saveTierPolicy(tiers: TierPolicy, version: number): Promise<TierPolicyView> {
    return firstValueFrom(this.http.put<TierPolicyView>(TIERS_URL, { tiers }, ifMatch(version)));
  }

  rateLimits(): Promise<RateLimitsView> {
    return firstValueFrom(this.http.get<RateLimitsView>(LIMITS_URL));
  }

  rateLimitsHistory(): Promise<RateLimitsHistory> {
    return firstValueFrom(this.http.get<RateLimitsHistory>(`${LIMITS_URL}/history`));
  }

  saveRateLimits(tiers: RateLimitsPatch, version: number): Promise<RateLimitsView> {
    return firstValueFrom(this.http.put<RateLimitsView>(LIMITS_URL, { tiers }, ifMatch(version)));
  }

  billingPolicy(): Promise<BillingPolicyView> {
    return firstValueFrom(this.http.get<BillingPolicyView>(BILLING_URL));
  }

  billingPolicyHistory(): Promise<BillingPolicyHistory> {
    return firstValueFrom(this.http.get<BillingPolicyHistory>(`${BILLING_URL}/history`));
  }

  saveBillingPolicy(changes: BillingPolicyChanges, version: number): Promise<BillingPolicyView> {
    return firstValueFrom(this.http.put<BillingPolicyView>(BILLING_URL, changes, ifMatch(version)));
  }
}
