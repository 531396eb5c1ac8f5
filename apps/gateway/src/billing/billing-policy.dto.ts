import { IsArray, IsInt, IsObject, IsOptional, IsString } from 'class-validator';
import type { PowerLevel, Tier } from '@gw/shared-kernel';

/**
 * PUT /api/v1/admin/billing/policy: any of the fields; within the two maps any key. The shapes inside
 * (basis points, micro-dollar strings, packages) are checked by the billing policy's decider, which
 * names the exact field it refuses.
 */
export class BillingPolicyChangesDto {
  /** Per power level, basis points of cost (eco 1000 = 0.1×). */
  @IsOptional() @IsObject() powerLevelMultiplierBps?: Partial<Record<PowerLevel, number>>;
  /** Per tier, basis points added on top (starter 4000 = +40 %). */
  @IsOptional() @IsObject() tierMarkupBps?: Partial<Record<Tier, number>>;
  /** Share of cost charged when the caller's own key paid (1000 = 10 %). */
  @IsOptional() @IsInt() byokFeeBps?: number;
  /** Replaces the list: [{id, priceMicros, credits}]. */
  @IsOptional() @IsArray() creditPackages?: Array<{ id: string; priceMicros: string; credits: number }>;
  /** Micro-dollars one credit is worth, as a string ("1000" = $0.001). */
  @IsOptional() @IsString() microsPerCredit?: string;
  /** Promotion credits every new account is granted once, in micro-dollars as a string ("0" = none). */
  @IsOptional() @IsString() signupCreditsMicros?: string;
}
