import type { JsonSchema, JsonSchemaType } from '../openai-wire';
import type { SeededRandom } from './seeded-random';

/** Words from the conversation that make sampled values look related to it. */
export interface SampleHints {
  /** Keywords of the last user message (lower case). */
  readonly keywords: readonly string[];
  /** Capitalised words of the last user message other than its first word: names, places. */
  readonly names: readonly string[];
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 6;

/**
 * A value that satisfies the common JSON Schema keywords (type, properties, required, items, enum,
 * const, minimum, maximum, anyOf/oneOf, format), with strings chosen from the conversation where a
 * property name suggests it (location, city, name, query, …). Every property is filled.
 */
export function sampleFromSchema(
  schema: JsonSchema | undefined,
  random: SeededRandom,
  hints: SampleHints,
  name = '',
  depth = 0,
): JsonValue {
  if (!schema || depth > MAX_DEPTH) return depth === 0 ? {} : sampleString(name, undefined, random, hints);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return random.pick(schema.enum);
  const alternatives =
    schema.anyOf ?? (Array.isArray(schema['oneOf']) ? (schema['oneOf'] as JsonSchema[]) : undefined);
  if (alternatives && alternatives.length > 0) {
    const usable = alternatives.find((alt) => alt.type !== 'null') ?? alternatives[0];
    return sampleFromSchema(usable, random, hints, name, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object': {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        out[key] = sampleFromSchema(property, random, hints, key, depth + 1);
      }
      return out;
    }
    case 'array': {
      const count = random.between(1, 2);
      return Array.from({ length: count }, () =>
        sampleFromSchema(schema.items, random, hints, singular(name), depth + 1),
      );
    }
    case 'integer': {
      const min = Math.ceil(schema.minimum ?? 1);
      const max = Math.floor(schema.maximum ?? Math.max(min, 1) + 9);
      return random.between(min, Math.max(min, max));
    }
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? min + 100;
      return Math.round((min + random.next() * (max - min)) * 100) / 100;
    }
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    default:
      return sampleString(
        name,
        typeof schema['format'] === 'string' ? schema['format'] : undefined,
        random,
        hints,
      );
  }
}

/** Capitalised words of two or more letters after the first word of a text, e.g. names and places. */
export function namesOf(text: string): string[] {
  const words = [...text.matchAll(/\p{L}[\p{L}'-]*/gu)].map((m) => m[0]);
  return words.slice(1).filter((w) => w.length >= 2 && /^\p{Lu}/u.test(w));
}

function typeOf(schema: JsonSchema): JsonSchemaType {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type) return type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return 'string';
}

function sampleString(
  name: string,
  format: string | undefined,
  random: SeededRandom,
  hints: SampleHints,
): string {
  const key = name.toLowerCase();
  if (format === 'date-time') return '2025-01-15T09:30:00Z';
  if (format === 'date' || key.includes('date')) return '2025-01-15';
  if (format === 'email' || key.includes('email')) return 'jane.doe@example.com';
  if (format === 'uri' || key.includes('url')) return 'https://example.com';
  if (/location|city|place|address|country|destination|origin/.test(key)) {
    return hints.names.length > 0 ? random.pick(hints.names) : 'Paris';
  }
  if (/name|person|user|author/.test(key))
    return hints.names.length > 0 ? random.pick(hints.names) : 'Jane Doe';
  if (/unit/.test(key)) return 'celsius';
  if (/query|topic|keyword|term|subject|text|prompt|description/.test(key)) {
    return hints.keywords.length > 0 ? hints.keywords.join(' ') : 'general information';
  }
  return hints.keywords.length > 0 ? random.pick(hints.keywords) : 'example';
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name;
}
