import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { LOCAL_CREDENTIALS, type LocalCredentials } from '@gw/accounts';
import { AppModule } from './app.module';
import { checkGatewayKeyBeforeBody } from './auth/gateway-key-before-body';
import { GatewayKeyGuard } from './auth/gateway-key.guard';
import { bootstrapAdmin } from './bootstrap/bootstrap-admin';
import { bootstrapUsers, type BootstrapCredentials } from './bootstrap/bootstrap-users';
import type { GatewayConfig } from '@gw/platform';
import { GatewayExceptionFilter } from './errors/gateway-exception.filter';
import { useAccessLog } from './http/access-log';
import { useJsonBodyParser } from './http/json-body-parser';
import { useOpenApi } from './http/openapi';
import { defaultPortalDir, usePortal } from './http/portal-static';
import { createLogger, PinoNestLogger } from './logging/logger';
import { startRuntime, type GatewayRuntime, type RuntimeSeams } from './runtime/gateway-runtime';

export interface Gateway {
  readonly app: NestFastifyApplication;
  readonly runtime: GatewayRuntime;
  readonly credentials: BootstrapCredentials | null;
  /** Stops taking requests, flushes pending events, closes every connection. */
  close(): Promise<void>;
}

/** Builds the whole gateway (runtime + Nest app) without listening: main.ts and the e2e tests share it. */
export async function createGateway(
  config: GatewayConfig,
  logger: Logger = createLogger(config.logLevel),
  seams: RuntimeSeams = {},
): Promise<Gateway> {
  const runtime = await startRuntime(config, logger, seams);
  try {
    const adapter = new FastifyAdapter({
      bodyLimit: config.maxRequestBytes,
      logger: false,
      return503OnClosing: true,
      // No Express-style middleware (Nest `configure(consumer)` or `app.use`): every request hook is a
      // Fastify hook (auth before body, access log), so @fastify/middie and its request hook are not
      // registered. A middleware added later fails at start (`use` is not a function), never silently.
      skipMiddie: true,
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRuntime(runtime), adapter, {
      logger: new PinoNestLogger(logger),
      bufferLogs: false,
      bodyParser: false, // ours: see useJsonBodyParser
    });
    app.useGlobalFilters(new GatewayExceptionFilter(logger));
    checkGatewayKeyBeforeBody(app.getHttpAdapter().getInstance(), app.get(GatewayKeyGuard), logger);
    useJsonBodyParser(app.getHttpAdapter().getInstance(), config.maxRequestBytes, config.maxApiRequestBytes);
    useAccessLog(app.getHttpAdapter().getInstance(), logger);
    useOpenApi(app);
    await usePortal(app, config.portalDir ?? defaultPortalDir(), logger);
    await app.init();
    const credentials = config.bootstrapUsers
      ? await bootstrapUsers(
          app.get(CommandBus),
          runtime.directory,
          config.dataDir,
          logger,
          app.get<LocalCredentials>(LOCAL_CREDENTIALS),
        )
      : null;
    await bootstrapAdmin(
      app.get(CommandBus),
      runtime.eventStore,
      runtime.directory,
      config.bootstrapAdminKey,
      logger,
    );
    return {
      app,
      runtime,
      credentials,
      close: async () => {
        await app.close();
        await runtime.close();
      },
    };
  } catch (e) {
    await runtime.close();
    throw e;
  }
}
