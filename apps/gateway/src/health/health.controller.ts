import { Controller, Get, Inject, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type { Knex } from 'knex';
import { KNEX } from '@gw/database';
import { EVENT_STORE, type EventStore } from '@gw/eventstore';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import type { GatewayConfig } from '@gw/platform';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import type { AuthenticatedRequest } from '../auth/principal.decorator';
import { MetricsGuard } from '../metrics/metrics.guard';

/**
 * What `/health/ready` shows: its status to anyone (a load balancer needs no more), and which
 * backing service is down and why only to those who may read `/metrics` (METRICS_TOKEN or an
 * admin): error messages name hosts, ports and versions.
 */
export function readinessView(
  result: HealthCheckResult,
  detailed: boolean,
): HealthCheckResult | Pick<HealthCheckResult, 'status'> {
  return detailed ? result : { status: result.status };
}

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
    @Inject(GatewayKeyGuard) keys: GatewayKeyGuard,
  ) {
    this.operators = new MetricsGuard(config, keys);
  }

  private readonly operators: MetricsGuard;

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  async ready(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthCheckResult | Pick<HealthCheckResult, 'status'>> {
    let result: HealthCheckResult;
    try {
      result = await this.checkReady();
    } catch (e) {
      // terminus reports a failed check as a 503 carrying the whole result
      if (!(e instanceof ServiceUnavailableException)) throw e;
      result = e.getResponse() as HealthCheckResult;
      void reply.code(503);
    }
    return readinessView(result, await this.operators.isOperator(request));
  }

  private checkReady(): Promise<HealthCheckResult> {
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
