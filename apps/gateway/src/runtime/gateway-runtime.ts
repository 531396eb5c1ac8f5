import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ACCESS_DIRECTORY_EVENT_TYPES, AccessDirectory } from '@gw/accounts';
import {
  MOCK_PROVIDER_SEEDS,
  MOCK_PROVIDERS,
  REAL_PROVIDER_SEEDS,
  seedCatalog,
  type ProviderKind,
} from '@gw/catalog';
import { AuditCheckpointer, AuditCheckpointStore, GroupCommitWriter, type EventStore } from '@gw/eventstore';
import type { KeyVault } from '@gw/key-vault';
import {
  AnthropicProvider,
  CohereProvider,
  GeminiProvider,
  OpenAICompatibleProvider,
  startMockProvider,
  type MockProvider,
  type UpstreamProvider,
} from '@gw/providers';
import {
  DEFAULT_BREAKER_SETTINGS,
  DEFAULT_ROUTING_POLICY,
  policyFromEvent,
  ProviderHealthTracker,
  type RoutingPolicyChanged,
} from '@gw/routing';
import { systemClock, type Clock } from '@gw/shared-kernel';
import {
  BILLING_POLICY_EVENT_TYPES,
  billingPolicyDecider,
  type BillingPolicyChanged,
} from '@gw/usage-billing';
import { ChatContext } from '../chat/chat-context';
import { ChatService } from '../chat/chat.service';
import { RequestRecorder } from '../chat/request-recorder';
import type { Redis } from 'ioredis';
import {
  FallbackIdempotencyStore,
  InMemoryIdempotencyStore,
  openStores,
  RedisIdempotencyStore,
  type GatewayConfig,
  type IdempotencyStore,
} from '@gw/platform';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { CatalogState } from './catalog-state';
import { KeysState } from './keys-state';
import { startMemoryFeed } from './memory-feed';
import { startBudget, type BudgetRuntime } from '../billing/start-budget';
import { IdempotencyGate } from '../chat/idempotency-gate';
import { ProviderProber } from './provider-prober';
import { providerHealthRecorder } from './provider-health-recorder';
import { startInProcessProjections, type ProjectionHost } from './in-process-projections';
import { openVault } from './open-vault';
import type { AuditVerification } from '../audit/audit-stream';
import { startRateLimits, type RateLimitsRuntime } from '../limits/start-rate-limits';

/** Everything the gateway runs on, built before Nest and closed after it. */
export interface GatewayRuntime {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly knex: Knex;
  readonly eventStore: EventStore;
  readonly writer: GroupCommitWriter;
  readonly directory: AccessDirectory;
  readonly chatContext: ChatContext;
  readonly chatService: ChatService;
  readonly metrics: GatewayMetrics;
  readonly vault: KeyVault;
  readonly catalog: CatalogState;
  /** Users' provider keys (BYOK), in memory. */
  readonly keys: KeysState;
  readonly prober: ProviderProber;
  readonly projections: ProjectionHost | null;
  /** Per-tier rate limits: the policy fed from the log, the limiter (Redis with REDIS_URL, else memory). */
  readonly limits: RateLimitsRuntime;
  /** Balances and spending caps: the ledger fed from the log, the store (Redis with REDIS_URL, else memory). */
  readonly budget: BudgetRuntime;
  /** Verifies the audit chain (keys from AUDIT_CHAIN_KEY / AUDIT_SIGNING_KEY or audit-keys.json). */
  readonly audit: AuditVerification;
  /** Signs checkpoints of the audited streams this gateway appends to (flush: sign them now). */
  readonly checkpointer: AuditCheckpointer;
  /** Idempotency-Key on /v1/chat/completions (Redis with REDIS_URL, else memory). */
  readonly idempotency: IdempotencyGate;
  readonly mockUrls: ReadonlyMap<string, string>;
  /** The in-process mock providers by slug (empty with MOCK_UPSTREAM_URL or MOCK_PROVIDERS=off). */
  readonly mocks: ReadonlyMap<string, MockProvider>;
  close(): Promise<void>;
}

const RELAXED_LINGER_MS = 5;

/** What a test may put in place of the real thing; production passes nothing. */
export interface RuntimeSeams {
  /**
   * The provider health tracker's time in ms (circuit cooldowns, retry-after pauses); default
   * Date.now. Tests move it on instead of waiting for a cooldown to pass.
   */
  readonly healthNow?: () => number;
}

export async function startRuntime(
  config: GatewayConfig,
  logger: Logger,
  seams: RuntimeSeams = {},
): Promise<GatewayRuntime> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (e) {
        logger.error({ err: (e as Error).message }, 'error while closing');
      }
    }
  };
  try {
    const stores = await openStores(config, logger, 'gateway', { auditKeys: 'required' });
    const { knex, close: closeStores } = stores;
    closers.push(closeStores);
    // Signed checkpoints of the audited streams this process appends to (see docs/architecture.md,
    // "Audit"): the store everyone uses notes those appends; a pass every 5 s and on close signs them.
    const auditKeys = stores.auditKeys!;
    const checkpoints = new AuditCheckpointStore(knex);
    const checkpointer = new AuditCheckpointer(stores.eventStore, checkpoints, auditKeys.signingKey, {
      onError: (e) =>
        logger.error({ err: e instanceof Error ? e.message : String(e) }, 'audit checkpoint pass failed'),
      onTailMissing: (streamId, appended, found) =>
        logger.error(
          { streamId, appended: appended.toString(), found: found.toString() },
          'audit: a stream ends before a revision this gateway appended; not signing it',
        ),
    });
    const eventStore: EventStore = checkpointer.wrap();
    checkpointer.start();
    // In the background: every audited stream whose checkpoint is behind its head (written before
    // checkpoints existed, or by a process that stopped before its pass) is signed.
    const sealing = checkpointer.sealAll().then(
      (sealed) => sealed > 0 && logger.info({ streams: sealed }, 'audit: checkpoints signed at start'),
      (e: unknown) =>
        logger.error({ err: e instanceof Error ? e.message : String(e) }, 'audit: sealing at start failed'),
    );
    closers.push(() => sealing.then(() => undefined));
    closers.push(() => checkpointer.close());
    const audit: AuditVerification = {
      chainKey: auditKeys.chainKey,
      verifier: auditKeys.signingKey.verifyKey,
      checkpoints,
    };
    // relaxed: nobody waits for the commit, so appends gather for a few ms and share one write;
    // a crash can lose at most that window (a clean shutdown flushes it).
    const writer = new GroupCommitWriter(
      eventStore,
      256,
      config.durability === 'relaxed' ? RELAXED_LINGER_MS : 0,
    );
    closers.push(() => writer.flush());

    const mocks = await startMocks(config, closers);
    const mockUrls = new Map(
      MOCK_PROVIDERS.filter(() => config.mock.enabled).map((spec) => [
        spec.slug,
        config.mock.externalUrl ?? mocks.get(spec.slug)!.url,
      ]),
    );
    const vault = await openVault(config, knex);
    // Idempotent: registers what was never registered; restarts and admins' changes are left alone.
    const seeded = await seedCatalog(
      eventStore,
      [...REAL_PROVIDER_SEEDS, ...(config.mock.enabled ? MOCK_PROVIDER_SEEDS : [])],
      systemClock,
    );
    if (seeded > 0) logger.info({ streams: seeded }, 'catalog seeded');
    const catalog = new CatalogState(vault, mockUrls, logger);
    const metrics = new GatewayMetrics();
    metrics.trackProviderStatus(() =>
      catalog.view.providers().map((p) => ({ provider: p.spec.slug, status: catalog.status(p) })),
    );
    // One adapter per wire format; each keeps its own connection pools, whose connector checks every
    // address it connects to (ALLOWED_UPSTREAM_HOSTS: internal hosts user-supplied URLs may reach).
    const transport = { allowedUpstreamHosts: config.allowedUpstreamHosts };
    const upstreams = new Map<ProviderKind, UpstreamProvider & { close(): Promise<void> }>([
      ['openai-compatible', new OpenAICompatibleProvider(transport)],
      ['anthropic', new AnthropicProvider(transport)],
      ['cohere', new CohereProvider(transport)],
      ['gemini', new GeminiProvider(transport)],
    ]);
    for (const upstream of upstreams.values()) closers.push(() => upstream.close());
    const health = new ProviderHealthTracker(
      providerHealthRecorder(writer, metrics, logger, config.healthCooldownMs),
      { ...DEFAULT_BREAKER_SETTINGS, cooldownMs: config.healthCooldownMs },
      seams.healthNow,
    );
    const chatContext = new ChatContext(
      { providers: new Map(), models: [] },
      DEFAULT_ROUTING_POLICY,
      health,
      upstreams,
    );
    const catalogFeed = await catalog.start(eventStore, (snapshot) => {
      chatContext.catalog = snapshot;
    });
    closers.push(() => catalogFeed.stop());
    const prober = new ProviderProber(catalog, upstreams, health, logger);
    prober.start(config.probeIntervalMs, config.probeMocks);
    closers.push(() => prober.stop());
    const keys = new KeysState(eventStore, vault, systemClock, logger);
    const keysFeed = await keys.start();
    closers.push(() => keysFeed.stop());
    const recorder = new RequestRecorder(writer, config.durability, metrics, logger);

    const projections =
      config.projections === 'inprocess'
        ? await startInProcessProjections(eventStore, knex, metrics, logger)
        : null;
    if (projections) closers.push(() => projections.stop());

    const directory = new AccessDirectory();
    const accessFeed = await startMemoryFeed(
      eventStore,
      'access-directory',
      [...ACCESS_DIRECTORY_EVENT_TYPES],
      (e) => directory.apply(e),
      logger,
    );
    closers.push(() => accessFeed.stop());
    const budget = await startBudget(config, eventStore, knex, directory, chatContext, metrics, logger);
    closers.push(() => budget.close());
    const idempotency = new IdempotencyGate(idempotencyStore(budget.redis, logger));
    const chatService = new ChatService(
      chatContext,
      recorder,
      metrics,
      logger,
      systemClock,
      keys,
      () => directory.tierPolicy(),
      budget.gate,
    );
    const policyFeed = await startMemoryFeed(
      eventStore,
      'routing-policy',
      ['RoutingPolicyChanged'],
      (e) => {
        chatContext.policy = policyFromEvent((e as unknown as RoutingPolicyChanged).data);
      },
      logger,
    );
    closers.push(() => policyFeed.stop());
    const limits = await startRateLimits(config, eventStore, metrics, logger, budget.redis);
    closers.push(() => limits.close());
    const billingFeed = await startMemoryFeed(
      eventStore,
      'billing-policy',
      BILLING_POLICY_EVENT_TYPES,
      (e) => {
        chatContext.billing = billingPolicyDecider.evolve(
          chatContext.billing,
          e as unknown as BillingPolicyChanged,
        );
      },
      logger,
    );
    closers.push(() => billingFeed.stop());

    logger.info(
      {
        eventStore: config.eventStore.kind === 'esdb' ? 'eventstoredb' : config.database.kind,
        database: config.database.kind,
        durability: config.durability,
        projections: config.projections,
        mockProviders: [...mockUrls.keys()],
      },
      'runtime ready',
    );
    for (const [name, value] of [['KAFKA_BROKERS', config.kafkaBrokers]] as const) {
      if (value)
        logger.warn(
          { setting: name },
          `${name} is set but not used yet by this version; using the embedded default`,
        );
    }
    return {
      config,
      logger,
      clock: systemClock,
      knex,
      eventStore,
      writer,
      directory,
      chatContext,
      chatService,
      metrics,
      vault,
      catalog,
      keys,
      prober,
      projections,
      limits,
      budget,
      audit,
      checkpointer,
      idempotency,
      mockUrls,
      mocks,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function startMocks(
  config: GatewayConfig,
  closers: Array<() => Promise<void>>,
): Promise<Map<string, MockProvider>> {
  const mocks = new Map<string, MockProvider>();
  if (!config.mock.enabled || config.mock.externalUrl) return mocks;
  for (const spec of MOCK_PROVIDERS) {
    const server = await startMockProvider({
      host: '127.0.0.1',
      port: 0,
      latencyMs: Math.round(config.mock.latencyMs * spec.latencyFactor),
      failureRate: config.mock.failureRate,
      models: spec.models.map((m) => m.model),
    });
    closers.push(() => server.close());
    mocks.set(spec.slug, server);
  }
  return mocks;
}

/** Idempotency keys shared through Redis when there is one (each instance's memory while it is down). */
function idempotencyStore(redis: Redis | undefined, logger: Logger): IdempotencyStore {
  const local = new InMemoryIdempotencyStore();
  if (!redis) return local;
  return new FallbackIdempotencyStore(
    new RedisIdempotencyStore(redis),
    local,
    () => redis.status === 'ready',
    (e) =>
      logger.error(
        { err: e.message },
        'Redis is unreachable: Idempotency-Key answers are kept per instance until it is back',
      ),
  );
}
