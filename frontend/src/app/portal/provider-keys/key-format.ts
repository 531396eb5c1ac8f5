import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** Key characters: letters, digits and `-_.:=+/` (the gateway's own check; base64, base64url, JWT-like keys). */
const KEY_CHARACTERS = /^[A-Za-z0-9\-_.:=+/]+$/;
export const MIN_KEY_LENGTH = 10;
export const MAX_KEY_LENGTH = 512;
export const MAX_CUSTOM_MODELS = 50;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;

/**
 * What is wrong with a pasted key, before it leaves the browser (null: it looks like a key). The
 * provider's own rule (its prefix) is checked by the gateway, whose 400 says what it expected.
 */
export function keyFormatProblem(value: string): string | null {
  if (value.length === 0) return 'Paste the key.';
  if (/\s/.test(value)) return 'A key has no spaces or line breaks: check what was copied.';
  if (!KEY_CHARACTERS.test(value)) return 'A key has only letters, digits and - _ . : = + /';
  if (value.length < MIN_KEY_LENGTH) return `Too short for a key (at least ${MIN_KEY_LENGTH} characters).`;
  if (value.length > MAX_KEY_LENGTH) return `Too long for a key (at most ${MAX_KEY_LENGTH} characters).`;
  return null;
}

/** Reactive-forms validator: `{ keyFormat: message }`. */
export const keyFormatValidator: ValidatorFn = (
  control: AbstractControl<string>,
): ValidationErrors | null => {
  const problem = keyFormatProblem(control.value ?? '');
  return problem ? { keyFormat: problem } : null;
};

/** What is wrong with a custom endpoint's API root (null: fine). The gateway checks the address too. */
export function baseUrlProblem(value: string): string | null {
  if (value.trim().length === 0) return 'Enter the endpoint’s API root, e.g. https://llm.example.com/v1';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'Enter an absolute URL starting with https:// or http://';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The URL must use https or http.';
  if (url.username || url.password) return 'Leave credentials out of the URL: the key goes in the key field.';
  if (url.search || url.hash) return 'The URL must not have a query string or fragment.';
  return null;
}

export const baseUrlValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null => {
  const problem = baseUrlProblem(control.value ?? '');
  return problem ? { baseUrl: problem } : null;
};

/** Model ids typed one per line or separated by commas, without duplicates. */
export const parseModels = (value: string): string[] => [
  ...new Set(
    value
      .split(/[\s,]+/)
      .map((m) => m.trim())
      .filter((m) => m.length > 0),
  ),
];

export function modelsProblem(value: string): string | null {
  const models = parseModels(value);
  if (models.length === 0) return 'Name at least one model the endpoint serves.';
  if (models.length > MAX_CUSTOM_MODELS) return `At most ${MAX_CUSTOM_MODELS} models.`;
  const bad = models.find((m) => !MODEL_ID.test(m) || m.includes('..'));
  return bad ? `“${bad}” is not a model id (letters, digits and ._:/@+-).` : null;
}

export const modelsValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null => {
  const problem = modelsProblem(control.value ?? '');
  return problem ? { models: problem } : null;
};
