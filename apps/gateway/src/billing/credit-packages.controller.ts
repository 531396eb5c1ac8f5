import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CreditPackage } from '@gw/usage-billing';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { ChatContext } from '../chat/chat-context';
import { ApiView } from '../http/openapi-views';

/** One package a user may buy (POST /api/v1/me/credits/checkout with its id). */
export interface CreditPackageView {
  readonly id: string;
  /** What the user pays, integer micro-dollars. */
  readonly priceMicros: string;
  readonly credits: number;
  /** What the credits are worth, integer micro-dollars (credits × the policy's micro-dollars per credit). */
  readonly amountMicros: string;
}

/** GET /api/v1/me/credits/packages: the billing policy's packages, in its order. */
export interface CreditPackagesView {
  readonly packages: readonly CreditPackageView[];
}

export const toCreditPackageView = (p: CreditPackage, microsPerCredit: bigint): CreditPackageView => ({
  id: p.id,
  priceMicros: p.priceMicros.toString(),
  credits: p.credits,
  amountMicros: (BigInt(p.credits) * microsPerCredit).toString(),
});

/** The credit packages on sale, as the billing policy in force on this instance says. Reads memory only. */
@ApiTags('credits')
@ApiBearerAuth()
@Controller('api/v1/me/credits')
@UseGuards(GatewayKeyGuard)
export class CreditPackagesController {
  constructor(@Inject(ChatContext) private readonly context: ChatContext) {}

  @ApiView('CreditPackagesView')
  @Get('packages')
  packages(): CreditPackagesView {
    const policy = this.context.billing.policy;
    return { packages: policy.creditPackages.map((p) => toCreditPackageView(p, policy.microsPerCredit)) };
  }
}
