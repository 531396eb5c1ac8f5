import Ajv, { _, type KeywordCxt } from 'ajv';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { IS_OPTIONAL, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import {
  defaultConverters,
  type ISchemaConverters,
} from 'class-validator-jsonschema/build/defaultConverters';
import { ChatCompletionDto } from './chat-completion.dto';
import { SHAPE_SCHEMA, type Schema } from './chat-request-schema.shape';

/**
 * The chat body's rules compiled into one Ajv function: a fast way to say "valid" without running
 * class-validator (tens of µs per request). It never accepts a body that the DTO's class-validator
 * rules or chat-request-shape.ts refuse; it may refuse more (unusual bodies), and every body it
 * refuses is validated the old way, which names the problem (validate-chat-request.ts).
 *
 * The DTO part comes from the DTO's own class-validator metadata (class-validator-jsonschema, as for
 * the OpenAPI document), through converters whose schema accepts no more than the validator each
 * stands for. A rule without such a converter makes the whole schema refuse everything (and is
 * listed in `unsupportedRules`): slower, never wrong. The shapes of chat-request-shape.ts are in
 * chat-request-schema.shape.ts. chat-request-schema.spec.ts checks with generated bodies that
 * whatever this accepts, the old path accepts too, with the same DTO.
 */

type DtoClass = new () => object;

const DEFINITIONS = '#/definitions/';

/** What converting a DTO and the DTOs it nests found: their schemas, and the rules it could not say. */
export interface DtoDefinitions {
  readonly definitions: Readonly<Record<string, Schema>>;
  readonly unsupported: readonly string[];
}

interface Conversion {
  /** The DTO classes referenced by `@ValidateNested()` + `@Type()`, by class name. */
  readonly nested: Map<string, DtoClass>;
  readonly unsupported: string[];
}

type Converter = (meta: ValidationMetadata, conversion: Conversion) => Schema;

/** A rule no converter stands for: noted, and the schema refuses every body (see schemaFor). */
const unsupportedRule: Converter = (meta, conversion) => {
  const target = (meta.target as { name?: string }).name ?? '?';
  conversion.unsupported.push(`${target}.${meta.propertyName}: ${meta.type}`);
  return {};
};

const isPrimitive = (value: unknown): boolean =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && !Number.isNaN(value));

const numberBound =
  (keyword: 'minimum' | 'maximum'): Converter =>
  (meta, conversion) => {
    const bound: unknown = meta.constraints[0];
    return typeof bound === 'number' && Number.isFinite(bound)
      ? { type: 'number', [keyword]: bound }
      : unsupportedRule(meta, conversion);
  };

/** One of `strings`, or an object whose listed properties are all present and match. */
const stringOrObject = (
  strings: readonly string[],
  properties: Readonly<Record<string, Schema>>,
): Schema => ({
  if: { type: 'string' },
  then: { enum: strings },
  else: { type: 'object', required: Object.keys(properties), properties },
});

/** class-validator's validator names → what each accepts. Only what is listed here is trusted. */
const CONVERTERS: Readonly<Record<string, Converter>> = {
  // `@IsOptional()`: every rule is skipped for undefined and null (see optional() below).
  [ValidationTypes.CONDITIONAL_VALIDATION]: (meta, conversion) =>
    meta.name === IS_OPTIONAL ? {} : unsupportedRule(meta, conversion),
  [ValidationTypes.NESTED_VALIDATION]: (meta, conversion) => {
    const type = defaultMetadataStorage.findTypeMetadata(meta.target as DtoClass, meta.propertyName);
    const child = type?.typeFunction() as DtoClass | undefined;
    if (!child || (conversion.nested.get(child.name) ?? child) !== child)
      return unsupportedRule(meta, conversion);
    conversion.nested.set(child.name, child);
    return { $ref: `${DEFINITIONS}${child.name}` };
  },
  isString: () => ({ type: 'string' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isInt: () => ({ type: 'integer' }),
  // finite numbers only (strictNumbers below), even where the rule would allow NaN or ±Infinity
  isNumber: (meta, conversion) =>
    (meta.constraints[0] as { maxDecimalPlaces?: number } | undefined)?.maxDecimalPlaces === undefined
      ? { type: 'number' }
      : unsupportedRule(meta, conversion),
  min: numberBound('minimum'),
  max: numberBound('maximum'),
  // validator.js counts surrogate pairs and emoji presentation sequences as one character: never
  // more than the code points Ajv counts, and at least 1 for any non-empty string. So maxLength is
  // safe for any bound and minLength exact for 0 and 1; a longer minimum is not converted.
  maxLength: (meta) => ({ type: 'string', maxLength: meta.constraints[0] as number }),
  minLength: (meta, conversion) =>
    (meta.constraints[0] as number) <= 1
      ? { type: 'string', minLength: meta.constraints[0] as number }
      : unsupportedRule(meta, conversion),
  arrayMinSize: (meta) => ({ type: 'array', minItems: meta.constraints[0] as number }),
  arrayMaxSize: (meta) => ({ type: 'array', maxItems: meta.constraints[0] as number }),
  // `===` against each value: Ajv's enum and const compare deeply, the same for primitives but NaN
  isIn: (meta, conversion) =>
    (meta.constraints[0] as unknown[]).every(isPrimitive)
      ? { enum: meta.constraints[0] as unknown[] }
      : unsupportedRule(meta, conversion),
  equals: (meta, conversion) =>
    isPrimitive(meta.constraints[0]) ? { const: meta.constraints[0] } : unsupportedRule(meta, conversion),
  // Ajv compiles patterns without flags here (unicodeRegExp: false), as validator.js does
  matches: (meta, conversion) => {
    const [pattern, modifiers] = meta.constraints as [RegExp | string, string | undefined];
    const source = typeof pattern === 'string' ? pattern : pattern.flags === '' ? pattern.source : null;
    return source !== null && !modifiers
      ? { type: 'string', pattern: source }
      : unsupportedRule(meta, conversion);
  },
  // chat-completion.dto.ts's own validators, by name
  isStop: () => ({ type: ['string', 'array'], maxItems: 4, items: { type: 'string' } }),
  isFunctionCall: () => stringOrObject(['none', 'auto'], { name: { type: 'string' } }),
  isToolChoice: () =>
    stringOrObject(['none', 'auto', 'required'], {
      type: { const: 'function' },
      function: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    }),
};

/**
 * class-validator-jsonschema looks a rule's converter up by validator name and falls back to the
 * custom-validation one: every default is replaced, so only CONVERTERS are trusted. It merges a
 * property's rules into one object (lodash merge), where one rule's `type` would overwrite another's
 * (`integer` by `number`): each rule is returned under a key of its own instead, and rulesToAllOf()
 * makes those keys an `allOf`, so that every rule holds on its own.
 */
const RULE_KEY = 'x-rule-';

function converters(conversion: Conversion): ISchemaConverters {
  let rules = 0;
  const convert = (meta: ValidationMetadata): Schema => ({
    [`${RULE_KEY}${rules++}`]: (CONVERTERS[meta.type] ?? unsupportedRule)(meta, conversion),
  });
  return Object.fromEntries(
    [...Object.keys(defaultConverters), ValidationTypes.CUSTOM_VALIDATION].map((name) => [name, convert]),
  );
}

const isEmpty = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 0;

function rulesToAllOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rulesToAllOf);
  if (typeof node !== 'object' || node === null) return node;
  const allOf: unknown[] = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith(RULE_KEY)) {
      if (!isEmpty(value)) allOf.push(rulesToAllOf(value));
    } else if (!(key === 'items' && isEmpty(value))) rest[key] = rulesToAllOf(value); // `items: {}` says nothing
  }
  if (allOf.length === 0) return rest;
  if (allOf.length === 1 && Object.keys(rest).length === 0) return allOf[0];
  return { ...rest, allOf };
}

/**
 * A `$ref` that is not one of ours was written by an `@JSONSchema()` decorator for the OpenAPI
 * document (the messages' items): documentation, not a rule class-validator runs, so dropped.
 */
function withoutForeignRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutForeignRefs);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(
        ([key, value]) => key !== '$ref' || (typeof value === 'string' && value.startsWith(DEFINITIONS)),
      )
      .map(([key, value]) => [key, withoutForeignRefs(value)]),
  );
}

/** An optional property allows null too: `@IsOptional()` skips undefined and null alike. */
const optional = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

/** One DTO class: its properties, the required ones, the optional ones nullable. */
function classSchema(cls: DtoClass, conversion: Conversion): Schema {
  const generated = rulesToAllOf(
    withoutForeignRefs(
      targetConstructorToSchema(cls, {
        additionalConverters: converters(conversion),
        refPointerPrefix: DEFINITIONS,
      }),
    ),
  ) as { properties?: Record<string, Schema>; required?: string[] };
  const required = new Set(generated.required ?? []);
  const properties = Object.fromEntries(
    Object.entries(generated.properties ?? {}).map(([name, schema]) => [
      name,
      required.has(name) ? schema : optional(schema),
    ]),
  );
  return { ...generated, type: 'object', properties };
}

/** `root`'s class-validator rules and those of every DTO it nests, as JSON Schema definitions. */
export function dtoDefinitions(root: DtoClass): DtoDefinitions {
  const conversion: Conversion = { nested: new Map([[root.name, root]]), unsupported: [] };
  const definitions: Record<string, Schema> = {};
  for (let added = true; added;) {
    added = false;
    for (const [name, cls] of [...conversion.nested]) {
      if (name in definitions) continue;
      definitions[name] = classSchema(cls, conversion);
      added = true;
    }
  }
  return { definitions, unsupported: conversion.unsupported };
}

/** `root`'s rules and `extra`'s together; a schema that refuses everything if a rule has no converter. */
export function schemaFor(root: DtoClass, extra: Schema = {}): Schema {
  const { definitions, unsupported } = dtoDefinitions(root);
  if (unsupported.length > 0) return { not: {} };
  return { definitions, allOf: [{ $ref: `${DEFINITIONS}${root.name}` }, extra] };
}

/** An Ajv for these schemas. Nothing in it coerces, removes or fills in: a checked body is left as it was. */
export function schemaCompiler(): Ajv {
  const ajv = new Ajv({
    strict: true,
    allowUnionTypes: true,
    strictNumbers: true, // "number" and "integer" refuse NaN and ±Infinity, as class-validator does here
    unicodeRegExp: false, // a pattern means what RegExp without flags makes of it, as in validator.js
    allErrors: false,
  });
  // A string's `.length` (UTF-16 code units), as chat-request-shape.ts measures; Ajv's maxLength
  // counts code points, fewer when the string has surrogate pairs.
  ajv.addKeyword({
    keyword: 'maxUtf16Length',
    type: 'string',
    schemaType: 'number',
    code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data}.length > ${cxt.schema as number}`),
  });
  return ajv;
}

/** The chat request's class-validator rules no converter stands for: any makes the schema refuse all. */
export const unsupportedRules: readonly string[] = dtoDefinitions(ChatCompletionDto).unsupported;

export const CHAT_REQUEST_SCHEMA: Schema = schemaFor(ChatCompletionDto, SHAPE_SCHEMA);

const check = schemaCompiler().compile(CHAT_REQUEST_SCHEMA);

/**
 * True when `body` is a valid chat request, by one compiled check (well under a µs for a short
 * request). False means "not proven valid": validate it with class-validator and chat-request-shape.ts,
 * which say why.
 */
export function matchesChatRequestSchema(body: unknown): boolean {
  return check(body);
}
