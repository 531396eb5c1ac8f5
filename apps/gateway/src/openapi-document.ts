import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './http/openapi';
import type { GatewayRuntime } from './runtime/gateway-runtime';

/**
 * The OpenAPI document the gateway serves at /api/docs/openapi.json, made without a runtime, a
 * database or a port: Nest in preview mode reads the modules' and controllers' metadata and creates
 * no provider, so the runtime's parts are never read (`scripts/api-client.mjs` runs this from dist/).
 */
export async function openApiDocumentWithoutRuntime(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRuntime(absentRuntime()),
    new FastifyAdapter({ logger: false }),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Stands for the runtime AppModule.forRuntime wires in: every part of it is an empty object. */
function absentRuntime(): GatewayRuntime {
  const part: object = new Proxy({}, { get: (_target, key) => (key === 'then' ? undefined : part) });
  return part as GatewayRuntime;
}
