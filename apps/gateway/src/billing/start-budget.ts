import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AccessDirectory } from '@gw/accounts';
import { handleCommandNow, type EventStore } from '@gw/eventstore';
import type { GatewayConfig } from '@gw/platform';
import { systemClock, type Clock, type EventMetadata } from '@gw/shared-kernel';
import {
  BUDGET_LEDGER_EVENT_TYPES,
  BudgetLedger,
  creditsDecider,
  InMemoryBudgetStore,
  monthOf,
  openSharedBudgetStore,
  readBudgetSnapshot,
  toCreditsStreamId,
  type BudgetStore,
  type CreditsCommand,
  type CreditsGranted,
} from '@gw/usage-billing';
import type { ChatContext } from '../chat/chat-context';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { startMemoryFeed } from '../runtime/memory-feed';
import { BudgetGate, SIGNUP_GRANT_ID } from './budget-gate';

export interface BudgetRuntime {
  readonly gate: BudgetGate;
  readonly ledger: BudgetLedger;
  readonly store: BudgetStore;
  /** The Redis client (REDIS_URL), for other per-request state shared by instances (idempotency keys). */
  readonly redis: Redis | undefined;
  close(): Promise<void>;
}

const systemMetadata = (): EventMetadata => ({
  correlationId: randomUUID(),
  actorId: 'system',
  actorKind: 'system',
});

/**
 * Balances and spending caps of this instance: the ledger in memory, fed from the log; the store
 * chosen by configuration: REDIS_URL → Redis shared by every instance, PostgreSQL while it is
 * unreachable; else in memory (embedded mode, one instance).
 */
export async function startBudget(
  config: GatewayConfig,
  eventStore: EventStore,
  knex: Knex,
  directory: AccessDirectory,
  context: ChatContext,
  metrics: GatewayMetrics,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<BudgetRuntime> {
  // From the credit-ledger read model as of its checkpoint, then the log after it: start-up reads one
  // row per user instead of every request ever made.
  const ledger = new BudgetLedger();
  const snapshot = await readBudgetSnapshot(knex, monthOf(clock.now()));
  ledger.seed(snapshot);
  const feed = await startMemoryFeed(
    eventStore,
    'budget-ledger',
    [...BUDGET_LEDGER_EVENT_TYPES],
    (e) => ledger.apply(e),
    logger,
    undefined,
    snapshot.position ?? undefined,
  );
  const shared = config.redisUrl
    ? openSharedBudgetStore(config.redisUrl, knex, {
        degraded: (e) => {
          metrics.budgetStoreDegraded.set(1);
          logger.error(
            { err: e.message },
            'Redis is unreachable: budget reservations go to PostgreSQL until it is back (caps stay exact)',
          );
        },
        recovered: () => {
          metrics.budgetStoreDegraded.set(0);
          logger.info('Redis is back: budget reservations are held in Redis again');
        },
      })
    : undefined;
  const store: BudgetStore = shared?.store ?? new InMemoryBudgetStore(clock);
  const onCredits = (userId: string, build: (now: Date) => CreditsCommand) =>
    handleCommandNow(eventStore, toCreditsStreamId(userId), creditsDecider, clock, systemMetadata(), build);
  const gate = new BudgetGate(
    ledger,
    store,
    (userId) => directory.account(userId),
    () => context.billing.policy,
    clock,
    metrics.budgetRefusals,
    async (data) => {
      await onCredits(data.userId, (now) => ({ type: 'RecordSpendingCapReached', data, metadata: { now } }));
    },
    async (userId, amountMicros): Promise<CreditsGranted['data'] | undefined> => {
      const outcome = await onCredits(userId, (now) => ({
        type: 'GrantCredits',
        data: {
          userId,
          grantId: SIGNUP_GRANT_ID,
          kind: 'promotion',
          amountMicros: amountMicros.toString(),
          reason: 'Sign-up credits',
          by: 'system',
        },
        metadata: { now },
      }));
      return outcome.state.grants.get(SIGNUP_GRANT_ID);
    },
    logger,
  );
  return {
    gate,
    ledger,
    store,
    redis: shared?.redis,
    close: async () => {
      await feed.stop();
      await (shared?.close() ?? store.close());
    },
  };
}
