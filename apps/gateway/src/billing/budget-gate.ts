import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { ChargeSettled } from '@gw/routing';
import type { Clock, Micros, RedisFieldGuard } from '@gw/shared-kernel';
import {
  formatDollars,
  monthOf,
  worstCaseChargeMicros,
  type TokenDemand,
  type BillingPolicy,
  type BudgetLedger,
  type BudgetStore,
  type ChargeCandidate,
  type CreditsGranted,
  type SpendingCapReached,
} from '@gw/usage-billing';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';

/** What the gate needs of an account: its monthly cap. */
export interface CapSettings {
  readonly monthlyCapMicros: string | null;
  readonly capMode: 'soft' | 'hard';
}

/** The grant id of an account's sign-up credits (one per account: the credits stream refuses a repeat). */
export const SIGNUP_GRANT_ID = 'signup';

/** A reservation still held after this long is swept (its instance died mid-request). */
export const DEFAULT_RESERVATION_TTL_MS = 15 * 60 * 1_000;

/** The first day of the next month (UTC), when a monthly cap starts again. */
const nextMonthStart = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1)).toISOString().slice(0, 10);
};

/**
 * 402 in OpenAI's error shape (`insufficient_quota`): the caller's balance cannot cover the request's
 * worst case, or it would pass their hard monthly cap. Not a provider failure: nothing was called.
 */
export class InsufficientQuotaError extends Error implements HasErrorResponse {
  constructor(
    readonly reason: 'balance' | 'cap',
    private readonly detail: string,
  ) {
    super(`insufficient quota: ${reason}`);
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 402,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: this.detail,
      param: null,
    };
  }
}

/** The sign-up credits could not be written (the event store refuses): 503, retry. */
export class CreditsUnavailableError extends Error implements HasErrorResponse {
  constructor(cause: Error) {
    super(`sign-up credits not granted: ${cause.message}`, { cause });
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: 503,
      type: 'api_error',
      code: 'credits_unavailable',
      message: 'Your sign-up credits could not be granted just now, so the request was not sent. Retry it.',
      param: null,
      headers: { 'retry-after': '1' },
    };
  }
}

/** A request's hold on its worst case, from before the upstream call until it is settled or released. */
export interface BudgetHold {
  readonly month: string;
  readonly reservedMicros: Micros;
  /** x-switchyard-cap-warning: a soft cap this request may take the month past. */
  readonly capWarning: string | undefined;
  /** The ChargeSettled written with the request's UsageRecorded. */
  settlement(chargedMicros: Micros, at: Date): ChargeSettled['data'];
  /**
   * Before the events are written: the charge counts and the hold goes, in one store call. A store
   * that fails leaves the hold until its TTL (the charge then counts from the log): never throws.
   */
  settle(chargedMicros: Micros): Promise<void>;
  /** The events could not be written after all: the settled charge is taken back (not awaited). */
  unsettle(chargedMicros: Micros): void;
  /** In a finally: frees the hold if it was not settled (errors, aborts, refusals). Idempotent. */
  release(): void;
}

export interface BudgetView {
  readonly balanceMicros: Micros;
  readonly reservedMicros: Micros;
  readonly availableMicros: Micros;
  readonly monthSpendMicros: Micros;
}

/**
 * The chat hot path's budget step: the caller's balance and monthly spend from memory (the ledger fed
 * from the log), the request's worst case priced from memory, one store call that decides atomically
 * across instances. Refusals are 402s; soft caps warn; the month's SpendingCapReached is recorded
 * once, off the request path.
 */
export class BudgetGate {
  private readonly capNoted = new Set<string>();
  private readonly signingUp = new Map<string, Promise<void>>();
  /** This month (UTC) and until when it lasts: one Date per request instead of a string each time. */
  private current = { month: '', untilMs: 0 };

  constructor(
    private readonly ledger: BudgetLedger,
    private readonly store: BudgetStore,
    private readonly capOf: (userId: string) => CapSettings | undefined,
    private readonly policy: () => BillingPolicy,
    private readonly clock: Clock,
    private readonly refusals: Counter<'reason'>,
    private readonly recordCapReached: (data: Omit<SpendingCapReached['data'], 'reachedAt'>) => Promise<void>,
    /** Writes the sign-up grant (once per user) and returns it, or nothing when it was there already. */
    private readonly grantSignup: (
      userId: string,
      amountMicros: Micros,
    ) => Promise<CreditsGranted['data'] | undefined>,
    private readonly logger: Logger,
    private readonly ttlMs: number = DEFAULT_RESERVATION_TTL_MS,
  ) {}

  /**
   * Holds the request's worst case, or throws a 402. `behind`: called, when the store is Redis, right
   * after the hold's command is sent and before its answer, with the field that exists once it is
   * held: a command sent then on the same connection runs after the hold (the rate-limit check).
   */
  async reserve(
    userId: string,
    requestId: string,
    candidates: readonly ChargeCandidate[],
    demand: TokenDemand,
    behind?: (guard: RedisFieldGuard) => void,
  ): Promise<BudgetHold> {
    await this.ensureSignupCredits(userId);
    const month = this.month();
    const amount = worstCaseChargeMicros(candidates, demand, this.policy());
    const cap = this.capOf(userId);
    const capMicros = cap?.monthlyCapMicros ? BigInt(cap.monthlyCapMicros) : null;
    const hard = cap?.capMode === 'hard' ? capMicros : null;
    const reserving = this.store.reserve({
      userId,
      reservationId: requestId,
      amountMicros: amount,
      month,
      ttlMs: this.ttlMs,
      seen: this.ledger.seen(userId, month),
      hardCapMicros: hard,
    });
    const guard = behind && this.store.holdGuard?.(userId, requestId);
    if (guard) behind(guard);
    const outcome = await reserving;
    const committedBefore = outcome.ok ? outcome.monthCommittedMicros - amount : outcome.monthCommittedMicros;
    const passesCap = capMicros !== null && committedBefore + amount > capMicros;
    if (passesCap) this.noteCapReached(userId, month, capMicros, committedBefore, cap!.capMode);
    if (!outcome.ok) {
      this.refusals.inc({ reason: outcome.reason });
      throw new InsufficientQuotaError(
        outcome.reason,
        outcome.reason === 'balance'
          ? `Your credit balance is too low for this request: it may cost up to ${formatDollars(amount)} and ${formatDollars(outcome.availableMicros < 0n ? 0n : outcome.availableMicros)} is available. Add credits (POST /api/v1/me/credits/checkout) or ask for fewer output tokens (max_tokens).`
          : `This request would pass your hard monthly spending cap of ${formatDollars(capMicros!)}: ${formatDollars(committedBefore)} is spent or held this month and it may cost up to ${formatDollars(amount)}. Raise the cap (PUT /api/v1/me/settings, monthlyCapMicros), ask for fewer output tokens (max_tokens), or wait until ${nextMonthStart(month)} (UTC).`,
      );
    }
    let open = true;
    const store = this.store;
    const logger = this.logger;
    return {
      month,
      reservedMicros: amount,
      capWarning: passesCap
        ? `monthly spending cap of ${formatDollars(capMicros!)} reached (${formatDollars(committedBefore)} spent or held this month)`
        : undefined,
      settlement: (chargedMicros, at) => ({
        requestId,
        userId,
        chargedMicros: chargedMicros.toString(),
        reservedMicros: amount.toString(),
        month,
        settledAt: at.toISOString(),
      }),
      async settle(chargedMicros) {
        if (!open) return;
        open = false;
        try {
          await store.settle({ userId, reservationId: requestId, chargedMicros, month });
        } catch (e) {
          logger.warn(
            { requestId, err: (e as Error).message },
            'budget settle failed; the hold lasts until its TTL',
          );
        }
      },
      unsettle(chargedMicros) {
        store
          .unsettle({ userId, reservationId: requestId, chargedMicros, month })
          .catch((e: Error) => logger.warn({ requestId, err: e.message }, 'budget unsettle failed'));
      },
      release() {
        if (!open) return;
        open = false;
        store
          .release(userId, requestId)
          .catch((e: Error) => logger.warn({ requestId, err: e.message }, 'budget release failed'));
      },
    };
  }

  /** GET /api/v1/me/credits: the log's balance less what is settled elsewhere or held in flight. */
  async view(userId: string): Promise<BudgetView> {
    await this.ensureSignupCredits(userId);
    const month = this.month();
    const seen = this.ledger.seen(userId, month);
    const snapshot = await this.store.snapshot(userId, month, seen);
    const balance = seen.balanceMicros - snapshot.pendingMicros;
    return {
      balanceMicros: balance,
      reservedMicros: snapshot.reservedMicros,
      availableMicros: balance - snapshot.reservedMicros,
      monthSpendMicros: seen.monthSpendMicros + snapshot.monthPendingMicros,
    };
  }

  /**
   * Every account gets the billing policy's sign-up credits once, before its first request or balance
   * read, whichever path opened it (admin, sign-in, bootstrap) and whenever (accounts older than
   * credits included). Costs one set lookup once granted; the first time, one append.
   */
  private ensureSignupCredits(userId: string): Promise<void> | undefined {
    if (this.ledger.hasGrant(userId, SIGNUP_GRANT_ID)) return undefined;
    const amount = this.policy().signupCreditsMicros;
    if (amount <= 0n) return undefined;
    let pending = this.signingUp.get(userId);
    if (!pending) {
      pending = this.grantSignup(userId, amount)
        .then((granted) => {
          if (granted) this.ledger.applyGrant(granted);
        })
        .catch((e: Error) => {
          this.logger.error({ userId, err: e.message }, 'could not grant sign-up credits');
          throw new CreditsUnavailableError(e);
        })
        .finally(() => this.signingUp.delete(userId));
      this.signingUp.set(userId, pending);
    }
    return pending;
  }

  private month(): string {
    const now = this.clock.now();
    const ms = now.getTime();
    if (ms >= this.current.untilMs || ms < this.current.untilMs - 32 * 86_400_000) {
      const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      this.current = { month: monthOf(now), untilMs: next };
    }
    return this.current.month;
  }

  /** One SpendingCapReached per user and month: skipped when the log has it or this instance sent it. */
  private noteCapReached(
    userId: string,
    month: string,
    cap: Micros,
    spent: Micros,
    capMode: 'soft' | 'hard',
  ): void {
    const key = `${userId}|${month}`;
    if (this.capNoted.has(key) || this.ledger.capReached(userId, month)) return;
    this.capNoted.add(key);
    this.recordCapReached({
      userId,
      month,
      monthlyCapMicros: cap.toString(),
      monthSpendMicros: spent.toString(),
      capMode,
    }).catch((e: Error) => {
      this.capNoted.delete(key); // another instance may have written it; the next request tries again
      this.logger.warn({ userId, err: e.message }, 'could not record SpendingCapReached');
    });
  }
}
