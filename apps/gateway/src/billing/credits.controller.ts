import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import {
  decodeLedgerCursor,
  GrantCreditsCommand,
  readCreditLedger,
  StartCheckoutCommand,
  type CreditLedgerEntry,
} from '@gw/usage-billing';
import { ValidationError } from '@gw/shared-kernel';
import { AccountService } from '../accounts/account-service';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { ChatContext } from '../chat/chat-context';
import { BudgetGate } from './budget-gate';
import { commandMetadata } from '../http/command-metadata';
import { dtoSchema } from '../http/openapi';
import { validateDto } from '../http/validate-dto';
import { CheckoutDto, GrantCreditsDto } from './credits.dto';
import { checkoutUrlFor } from './checkout-url';
import type { GatewayConfig } from '@gw/platform';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import { ApiView } from '../http/openapi-views';

/** GET /api/v1/me/credits; money as micro-dollar strings. */
export interface CreditsView {
  readonly balanceMicros: string;
  readonly reservedMicros: string;
  readonly availableMicros: string;
  readonly monthSpendMicros: string;
  readonly monthlyCapMicros: string | null;
  readonly capMode: 'soft' | 'hard';
  /** What is available, in whole credits (rounded down). */
  readonly credits: number;
}

export interface LedgerEntryView {
  readonly id: string;
  readonly at: string;
  readonly kind: CreditLedgerEntry['kind'];
  readonly amountMicros: string;
  readonly reference: string;
  readonly description: string;
  /** Charges: the request they belong to. */
  readonly explanationUrl: string | null;
}

/** GET /api/v1/me/credits/ledger: newest first. */
export interface LedgerPage {
  readonly data: readonly LedgerEntryView[];
  /** Pass as `before` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** POST /api/v1/me/credits/checkout: a pending purchase and where to pay for it. */
export interface CheckoutView {
  readonly purchaseId: string;
  readonly packageId: string;
  readonly priceMicros: string;
  readonly credits: number;
  readonly amountMicros: string;
  readonly status: 'pending';
  readonly checkoutUrl: string;
}

/** POST /api/v1/admin/users/:id/credits; `granted` false: this Idempotency-Key granted before. */
export interface CreditGrantView {
  readonly grantId: string;
  readonly userId: string;
  readonly amountMicros: string;
  readonly granted: boolean;
}

const MAX_PAGE = 200;

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return 50;
  const n = Number(limit);
  if (!/^\d+$/.test(limit) || n < 1 || n > MAX_PAGE)
    throw new ValidationError('REQUEST.INVALID_LIMIT', `limit must be an integer from 1 to ${MAX_PAGE}`, {
      param: 'limit',
    });
  return n;
}

const toEntryView = (e: CreditLedgerEntry): LedgerEntryView => ({
  id: e.entryId,
  at: e.at.toISOString(),
  kind: e.kind,
  amountMicros: e.amountMicros.toString(),
  reference: e.reference,
  description: e.description,
  explanationUrl: e.kind === 'charge' ? `/api/v1/requests/${encodeURIComponent(e.reference)}` : null,
});

async function creditsView(
  accounts: AccountService,
  budget: BudgetGate,
  context: ChatContext,
  userId: string,
): Promise<CreditsView> {
  const account = accounts.account(userId);
  const view = await budget.view(userId);
  const perCredit = context.billing.policy.microsPerCredit;
  return {
    balanceMicros: view.balanceMicros.toString(),
    reservedMicros: view.reservedMicros.toString(),
    availableMicros: view.availableMicros.toString(),
    monthSpendMicros: view.monthSpendMicros.toString(),
    monthlyCapMicros: account.monthlyCapMicros,
    capMode: account.capMode,
    credits: view.availableMicros > 0n ? Number(view.availableMicros / perCredit) : 0,
  };
}

async function ledgerPage(
  knex: Knex,
  userId: string,
  before: string | undefined,
  limit: string | undefined,
): Promise<LedgerPage> {
  const cursor = before === undefined ? undefined : decodeLedgerCursor(before);
  if (before !== undefined && !cursor)
    throw new ValidationError('REQUEST.INVALID_CURSOR', 'before must be a nextCursor from an earlier page', {
      param: 'before',
    });
  const page = await readCreditLedger(knex, userId, { before: cursor, limit: parseLimit(limit) });
  return { data: page.entries.map(toEntryView), nextCursor: page.nextCursor };
}

/** The caller's credits: balance, this month's spend, the ledger, and buying more. */
@ApiTags('credits')
@ApiBearerAuth()
@Controller('api/v1/me/credits')
@UseGuards(GatewayKeyGuard)
export class MyCreditsController {
  constructor(
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(AccountService) private readonly accounts: AccountService,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(BudgetGate) private readonly budget: BudgetGate,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Balance = everything granted − everything charged, as the log says (this instance's memory, plus
   * what other instances settled that it has not read yet); reserved = the worst cases of requests in
   * flight; available = balance − reserved, what the next request is checked against. This month's
   * spend counts against the monthly cap.
   */
  @ApiView('CreditsView')
  @Get()
  async get(@Req() request: AuthenticatedRequest): Promise<CreditsView> {
    return creditsView(this.accounts, this.budget, this.context, request.principal!.userId);
  }

  /** Every grant and charge (as it stands after any correction), newest first. */
  @ApiQuery({ name: 'before', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  @ApiView('LedgerPage')
  @Get('ledger')
  async ledger(
    @Req() request: AuthenticatedRequest,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ): Promise<LedgerPage> {
    return ledgerPage(this.knex, request.principal!.userId, before, limit);
  }

  /**
   * A pending purchase of one of the billing policy's packages. The payment provider completes it by
   * calling POST /api/v1/billing/webhooks/payment with the purchase id. checkoutUrl is its page
   * (PAYMENT_CHECKOUT_URL), or embedded mode's demo payment page, which does exactly that, while no
   * PAYMENT_WEBHOOK_SECRET is set (see checkout-url.ts).
   */
  @ApiBody({ schema: dtoSchema('CheckoutDto') })
  @ApiView('CheckoutView', 201)
  @Post('checkout')
  @HttpCode(201)
  async checkout(@Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<CheckoutView> {
    const dto = validateDto(CheckoutDto, body, { strict: true });
    const userId = request.principal!.userId;
    const policy = this.context.billing.policy;
    const purchaseId = `pur_${randomUUID().replaceAll('-', '')}`;
    // Where the user pays; no way to pay is a 409 before any purchase is started.
    const checkoutUrl = checkoutUrlFor(
      {
        embedded: this.config.embedded,
        webhookSecretConfigured: this.config.paymentWebhookSecret !== undefined,
        checkoutUrlTemplate: this.config.paymentCheckoutUrl,
      },
      { userId, purchaseId, packageId: dto.packageId },
    );
    await this.commands.execute(
      new StartCheckoutCommand(
        {
          userId,
          purchaseId,
          packageId: dto.packageId,
          package: policy.creditPackages.find((p) => p.id === dto.packageId),
          microsPerCredit: policy.microsPerCredit,
        },
        commandMetadata(request, request.principal!),
      ),
    );
    const pkg = policy.creditPackages.find((p) => p.id === dto.packageId)!;
    return {
      purchaseId,
      packageId: pkg.id,
      priceMicros: pkg.priceMicros.toString(),
      credits: pkg.credits,
      amountMicros: (BigInt(pkg.credits) * policy.microsPerCredit).toString(),
      status: 'pending',
      checkoutUrl,
    };
  }
}

/** Admin: credits for a user (a grant or a promotion); once per Idempotency-Key. */
@ApiTags('admin: users')
@ApiBearerAuth()
@Controller('api/v1/admin/users')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class AdminCreditsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AccountService) private readonly accounts: AccountService,
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(ChatContext) private readonly context: ChatContext,
    @Inject(BudgetGate) private readonly budget: BudgetGate,
  ) {}

  /** The user's balance, reserved, available, this month's spend and cap: what they see on /me/credits. */
  @ApiView('CreditsView')
  @Get(':id/credits')
  async get(@Param('id') userId: string): Promise<CreditsView> {
    return creditsView(this.accounts, this.budget, this.context, userId);
  }

  /** The user's grants and charges, newest first (as /me/credits/ledger). */
  @ApiQuery({ name: 'before', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  @ApiView('LedgerPage')
  @Get(':id/credits/ledger')
  async ledger(
    @Param('id') userId: string,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ): Promise<LedgerPage> {
    this.accounts.account(userId); // 404 for an unknown user
    return ledgerPage(this.knex, userId, before, limit);
  }

  @ApiBody({ schema: dtoSchema('GrantCreditsDto') })
  @ApiView('CreditGrantView', 201)
  @Post(':id/credits')
  @HttpCode(201)
  async grant(
    @Param('id') userId: string,
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<CreditGrantView> {
    const dto = validateDto(GrantCreditsDto, body, { strict: true });
    this.accounts.account(userId); // 404 for an unknown user
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || !/^[\w.:-]{1,100}$/.test(key)))
      throw new ValidationError(
        'REQUEST.INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key must be 1–100 letters, digits and ._:-',
        { param: 'Idempotency-Key' },
      );
    const grantId = key === undefined ? `grant_${randomUUID()}` : `grant_${key}`;
    const result = await this.commands.execute(
      new GrantCreditsCommand(
        {
          userId,
          grantId,
          kind: 'admin',
          amountMicros: dto.amountMicros,
          reason: dto.reason,
          by: request.principal!.userId,
        },
        commandMetadata(request, request.principal!),
      ),
    );
    return { grantId, userId, amountMicros: dto.amountMicros, granted: result.events.length > 0 };
  }
}
