import type { ModelPrices } from '@gw/catalog';
import type { Micros } from '@gw/shared-kernel';
import { chargeFor, type BillingPolicy, type ChargeBasis } from '../pricing/billing-policy';
import { priceUsage } from '../pricing/price-usage';

/**
 * Spending caps and balances, the pure part.
 *
 * The truth is the event log: grants (CreditsGranted), charges (UsageRecorded, corrected by
 * UsageRepriced) and settlements (ChargeSettled). Every gateway instance folds them into memory
 * (BudgetLedger), so the hot path reads no database. What an instance's memory cannot know yet —
 * requests in flight anywhere, and charges other instances settled that its feed has not delivered —
 * is held by a shared budget store (Redis in full mode, memory in embedded mode, PostgreSQL while
 * Redis is down), which decides every reservation atomically:
 *
 * - `settled`: every charge ever settled for the user, as the store counted them (monthly too);
 * - `reserved`: the worst cases of the requests in flight.
 *
 * An instance's memory has seen `seen.settledMicros` of the settled charges; the store's count minus
 * that is what it has not seen yet (`pending`). A store that has no count for a user yet (their
 * first request, a Redis that lost its keys, a new month) starts it from what the asking instance has
 * seen, and from then on only settlements move it (raising it to what any instance has seen would
 * count a charge twice when a feed delivers it before its settlement reaches the store).
 */

/** What an instance's memory knows about one user, from the log (micro-dollars). */
export interface BudgetSeen {
  /** Granted minus charged (after corrections). */
  readonly balanceMicros: Micros;
  /** This month's charges (UTC). */
  readonly monthSpendMicros: Micros;
  /** Σ ChargeSettled seen, ever and this month: what the store's counters are compared with. */
  readonly settledMicros: Micros;
  readonly monthSettledMicros: Micros;
}

export interface ReserveRequest {
  readonly userId: string;
  /** The request id: one reservation per request. */
  readonly reservationId: string;
  readonly amountMicros: Micros;
  /** UTC `YYYY-MM`, the month the charge will count against. */
  readonly month: string;
  /** A reservation still held after this long is swept (its instance died mid-request). */
  readonly ttlMs: number;
  readonly seen: BudgetSeen;
  /** The hard monthly cap, or null (no cap, or a soft one: soft caps never refuse). */
  readonly hardCapMicros: Micros | null;
}

export type ReserveOutcome =
  | {
      readonly ok: true;
      /** Available after this reservation (balance − pending − reserved). */
      readonly availableMicros: Micros;
      /** This month's spend as the store sees it, plus everything reserved (this one included). */
      readonly monthCommittedMicros: Micros;
    }
  | {
      readonly ok: false;
      readonly reason: 'balance' | 'cap';
      /** What was available before this request, and this month's committed spend. */
      readonly availableMicros: Micros;
      readonly monthCommittedMicros: Micros;
    };

export interface SettleRequest {
  readonly userId: string;
  readonly reservationId: string;
  readonly chargedMicros: Micros;
  readonly month: string;
}

/** What the store holds for a user, seen through one instance's memory (GET /api/v1/me/credits). */
export interface BudgetSnapshot {
  /** Settled by some instance, not yet in this instance's memory. */
  readonly pendingMicros: Micros;
  readonly monthPendingMicros: Micros;
  /** Held for requests in flight. */
  readonly reservedMicros: Micros;
}

/** The store's counters for one user; null: not started yet (started from the caller's view). */
export interface StoredBudget {
  readonly settledMicros: Micros | null;
  readonly monthSettledMicros: Micros | null;
  readonly reservedMicros: Micros;
}

const max = (a: Micros, b: Micros): Micros => (a > b ? a : b);
/** Settled by some instance and not yet in this one's memory (never negative: see budget.ts). */
const pendingOf = (stored: Micros, seen: Micros): Micros => max(0n, stored - seen);

/**
 * The reservation rule (pure; the Redis script and the PostgreSQL adapter implement the same):
 * start counters that do not exist yet from what the caller has seen, then admit when the balance
 * covers everything in flight plus this request, and this month's spend plus everything in flight
 * plus this request stays within the hard cap. A refusal changes nothing but the started counters.
 */
export function decideReservation(
  stored: StoredBudget,
  request: Pick<ReserveRequest, 'amountMicros' | 'seen' | 'hardCapMicros'>,
): { readonly outcome: ReserveOutcome; readonly stored: StoredBudget } {
  const { seen, amountMicros, hardCapMicros } = request;
  const settled = stored.settledMicros ?? seen.settledMicros;
  const monthSettled = stored.monthSettledMicros ?? seen.monthSettledMicros;
  const raised = { ...stored, settledMicros: settled, monthSettledMicros: monthSettled };
  const available = seen.balanceMicros - pendingOf(settled, seen.settledMicros) - stored.reservedMicros;
  const committed =
    seen.monthSpendMicros + pendingOf(monthSettled, seen.monthSettledMicros) + stored.reservedMicros;
  if (available < amountMicros)
    return {
      outcome: { ok: false, reason: 'balance', availableMicros: available, monthCommittedMicros: committed },
      stored: raised,
    };
  if (hardCapMicros !== null && committed + amountMicros > hardCapMicros)
    return {
      outcome: { ok: false, reason: 'cap', availableMicros: available, monthCommittedMicros: committed },
      stored: raised,
    };
  return {
    outcome: {
      ok: true,
      availableMicros: available - amountMicros,
      monthCommittedMicros: committed + amountMicros,
    },
    stored: { ...raised, reservedMicros: stored.reservedMicros + amountMicros },
  };
}

/**
 * A reservation made in another store, moved here as it stands (Redis went down while its request was
 * in flight): held whatever the budget says — it was admitted already — with the counters started as
 * a reservation would start them.
 */
export function adoptReservation(
  stored: StoredBudget,
  request: Pick<ReserveRequest, 'amountMicros' | 'seen'>,
): StoredBudget {
  return {
    settledMicros: stored.settledMicros ?? request.seen.settledMicros,
    monthSettledMicros: stored.monthSettledMicros ?? request.seen.monthSettledMicros,
    reservedMicros: stored.reservedMicros + request.amountMicros,
  };
}

/** The store's counters as one instance sees them (pending = settled elsewhere, not yet fed here). */
export function snapshotOf(stored: StoredBudget, seen: BudgetSeen): BudgetSnapshot {
  return {
    pendingMicros: pendingOf(stored.settledMicros ?? seen.settledMicros, seen.settledMicros),
    monthPendingMicros: pendingOf(
      stored.monthSettledMicros ?? seen.monthSettledMicros,
      seen.monthSettledMicros,
    ),
    reservedMicros: stored.reservedMicros,
  };
}

/** One candidate a request may be answered by, as far as its charge goes. */
export interface ChargeCandidate {
  readonly prices: ModelPrices;
  readonly basis: ChargeBasis;
  /** The model's output limit: what a request that sets no max_tokens may get. */
  readonly maxOutputTokens: number;
}

/** What a request may use at most, in tokens, before the candidate that answers it is known. */
export interface TokenDemand {
  /** An upper bound on the prompt (promptTokenBound: one token per UTF-8 byte, overheads included). */
  readonly promptTokens: number;
  /** `max_completion_tokens ?? max_tokens`; absent: each candidate's own output limit. */
  readonly maxOutputTokens: number | undefined;
  /** `n`: every choice may write the whole output. */
  readonly choices: number;
}

/** The output a request may get on a model: `n` choices of its max_tokens, or of the model's limit. */
export function outputTokenBound(demand: TokenDemand, modelMaxOutput: number): number {
  const perChoice = Math.min(demand.maxOutputTokens ?? modelMaxOutput, modelMaxOutput);
  return Math.max(1, demand.choices) * perChoice;
}

/**
 * The most a request can be charged (pure): its prompt bound and every output token it may get
 * (outputTokenBound), priced and charged on each candidate it may fall back to, the dearest of them.
 * Per-request fees and long-context rates (when the prompt bound passes their threshold) included,
 * multipliers and markups applied.
 */
export function worstCaseChargeMicros(
  candidates: readonly ChargeCandidate[],
  demand: TokenDemand,
  policy: BillingPolicy,
): Micros {
  let worst = 0n;
  for (const { prices, basis, maxOutputTokens } of candidates) {
    const cost = priceUsage(prices, {
      promptTokens: demand.promptTokens,
      completionTokens: outputTokenBound(demand, maxOutputTokens),
      cachedTokens: 0,
      cacheWriteTokens: 0,
    }).totalMicros;
    const charge = chargeFor(cost, basis, policy);
    if (charge > worst) worst = charge;
  }
  return worst;
}

/** Micro-dollars as dollars for messages: `$1.50`, `$0.000123`. */
export function formatDollars(micros: Micros): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  const cents = fraction.length < 2 ? fraction.padEnd(2, '0') : fraction;
  return `${negative ? '-' : ''}$${whole}.${cents}`;
}
