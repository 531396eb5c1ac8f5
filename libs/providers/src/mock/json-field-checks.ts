import { invalidRequest } from './mock-api-error';

/** A parsed JSON object whose fields are not checked yet. */
export type Json = Record<string, unknown>;

// Field checks that throw OpenAI's 400 wording for a wrong type or an out-of-range number.

export function integerIn(body: Json, field: string, min: number, max: number): void {
  numberIn(body, field, min, max, 'integer');
}

export function decimalIn(body: Json, field: string, min: number, max: number): void {
  numberIn(body, field, min, max, 'decimal');
}

function numberIn(body: Json, field: string, min: number, max: number, kind: 'integer' | 'decimal'): void {
  const value = body[field];
  if (value === undefined || value === null) return;
  const valid =
    typeof value === 'number' && (kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value));
  if (!valid) {
    throw invalidRequest(
      `Invalid type for '${field}': expected ${kind === 'integer' ? 'an integer' : 'a decimal'}, but got ${typeName(value)} instead.`,
      field,
      'invalid_type',
    );
  }
  if (value < min) {
    throw invalidRequest(
      `Invalid '${field}': ${kind} below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      field,
      `${kind}_below_min_value`,
    );
  }
  if (value > max) {
    throw invalidRequest(
      `Invalid '${field}': ${kind} above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      field,
      `${kind}_above_max_value`,
    );
  }
}

export function optional(body: Json, field: string, type: 'string' | 'boolean'): void {
  const value = body[field];
  if (value !== undefined && value !== null) expectType(body, field, type, field);
}

export function expectType(
  body: Json,
  field: string,
  type: 'string' | 'boolean' | 'object',
  param: string,
): void {
  const value = body[field];
  const ok = type === 'object' ? isObject(value) : typeof value === type;
  if (!ok) {
    throw invalidRequest(
      `Invalid type for '${param}': expected ${article(type)}, but got ${typeName(value)} instead.`,
      param,
      'invalid_type',
    );
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return article(typeof value);
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
