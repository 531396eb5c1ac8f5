import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import type { GatewayConfig } from '@gw/platform';

const TIMEOUT_MS = 2_000;

const withTimeout = <T>(p: Promise<T>): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);

/** Liveness: the process answers. Readiness: every configured backing service answers. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KNEX) private readonly knex: Knex,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () =>
        this.probe(
          'eventStore',
          () => this.store.ping(),
          this.config.eventStore.kind === 'esdb' ? 'eventstoredb' : this.config.database.kind,
        ),
      () => this.probe('database', () => this.knex.raw('select 1'), this.config.database.kind),
    ]);
  }

  private async probe(
    key: string,
    ping: () => Promise<unknown>,
    kind: string,
  ): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    const started = performance.now();
    try {
      await withTimeout(ping());
      return session.up({ kind, latencyMs: Math.round((performance.now() - started) * 100) / 100 });
    } catch (e) {
      return session.down({ kind, message: (e as Error).message });
    }
  }
}
