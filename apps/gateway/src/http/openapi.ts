import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { SchemaConverter } from 'class-validator-jsonschema/build/defaultConverters';
import { RESPONSE_SCHEMAS } from './openapi-views';

export const OPENAPI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs/openapi.json';

/** `@ApiBody` for a DTO class: the schema comes from its class-validator rules (see below). */
export const dtoSchema = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/**
 * The OpenAPI document at `/api/docs` (UI) and `/api/docs/openapi.json`. Request bodies are described
 * by the same class-validator rules that validate them (class-validator-jsonschema), so the document
 * cannot drift from what the gateway accepts; responses by the TypeScript types the controllers
 * return (openapi-views.ts). A schema named twice, or a reference to no schema, is an error here.
 */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Switchyard')
    .setDescription(
      'Self-hosted LLM gateway. `/v1` is OpenAI-compatible (errors in OpenAI’s shape); `/api/v1` is the ' +
        'portal and admin API (errors as application/problem+json). Authenticate with a gateway key ' +
        '(`Authorization: Bearer sk-sy-…`) or an access token: the OIDC issuer’s, or one from ' +
        '`POST /api/v1/auth/login` (see `GET /api/v1/auth/config`). Money is integer micro-dollars in strings.',
    )
    .setVersion('v1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'A gateway key (sk-sy-…) or an access token (JWT)',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/components/schemas/',
    additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customValidatorSchema },
  }) as Record<string, SchemaObject>;
  const requests = { ...schemas, ...document.components?.schemas };
  const twice = Object.keys(requests).filter((name) => name in RESPONSE_SCHEMAS);
  if (twice.length > 0)
    throw new Error(`OpenAPI: ${twice.join(', ')} named both a request DTO and a response type`);
  document.components = { ...document.components, schemas: { ...RESPONSE_SCHEMAS, ...requests } };
  const missing = [...schemaRefs(document)].filter((name) => !(name in document.components!.schemas!));
  if (missing.length > 0)
    throw new Error(`OpenAPI: no schema named ${missing.join(', ')} (see openapi-response-types.ts)`);
  return document;
}

/** The schema names `#/components/schemas/…` references point to, anywhere in `node`. */
function schemaRefs(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) schemaRefs(n, into);
  else if (typeof node === 'object' && node !== null)
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string')
        into.add(value.replace(/^#\/components\/schemas\//, ''));
      else schemaRefs(value, into);
    }
  return into;
}

type JsonSchema = Exclude<ReturnType<SchemaConverter>, void>;

/** What the gateway's own validators (chat-completion.dto.ts) accept, as JSON Schema. */
const CUSTOM_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  isStop: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }] },
  isMessageContent: {
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', required: ['type'] } }],
  },
  isFunctionCall: {
    oneOf: [
      { type: 'string', enum: ['none', 'auto'] },
      { type: 'object', required: ['name'] },
    ],
  },
  isToolChoice: {
    oneOf: [
      { type: 'string', enum: ['none', 'auto', 'required'] },
      { type: 'object', required: ['type', 'function'] },
    ],
  },
};

function customValidatorSchema(meta: ValidationMetadata): JsonSchema {
  const [constraint] = meta.constraintCls
    ? getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls)
    : [];
  return (constraint && CUSTOM_SCHEMAS[constraint.name]) ?? {};
}

export function useOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(OPENAPI_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'api/docs/openapi.yaml',
    // Never persistAuthorization: Swagger UI would keep the key pasted into it in localStorage,
    // where any script on this origin (and anyone at the browser later) reads it.
    swaggerOptions: { persistAuthorization: false },
  });
}
