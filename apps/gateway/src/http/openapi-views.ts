import { ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import generated from './openapi-response-schemas.json';

/** A response type's name: one exported by openapi-response-types.ts (a typo fails the type check). */
export type ViewName = keyof typeof generated.schemas;

/**
 * The schemas of every response type, made from the TypeScript types themselves
 * (scripts/openapi-responses.mjs over openapi-response-types.ts), keyed by type name.
 */
export const RESPONSE_SCHEMAS: Readonly<Record<string, SchemaObject>> =
  // schema objects, as the generator writes them (TypeScript sees only the JSON's literal shape)
  generated.schemas as unknown as Readonly<Record<ViewName, SchemaObject>>;

const ref = (name: ViewName): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/** The answer is a `name` (a JSON object), with this status. */
export const ApiView = (name: ViewName, status = 200): MethodDecorator & ClassDecorator =>
  ApiResponse({ status, description: name, content: { 'application/json': { schema: ref(name) } } });

/** The answer is a JSON array of `name`. */
export const ApiViewArray = (name: ViewName, status = 200): MethodDecorator & ClassDecorator =>
  ApiResponse({
    status,
    description: `${name}[]`,
    content: { 'application/json': { schema: { type: 'array', items: ref(name) } } },
  });

/** The answer is 204 with no body. */
export const ApiNoContent = (): MethodDecorator & ClassDecorator =>
  ApiResponse({ status: 204, description: 'No content' });

/** A CSV file, or the same rows as a JSON array of `name` (`?format=json`). */
export const ApiExport = (name: ViewName): MethodDecorator & ClassDecorator =>
  ApiResponse({
    status: 200,
    description: `CSV, or ${name}[] with format=json`,
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/json': { schema: { type: 'array', items: ref(name) } },
    },
  });
