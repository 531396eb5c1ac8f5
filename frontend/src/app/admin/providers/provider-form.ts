import type { AbstractControl, ValidationErrors } from '@angular/forms';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,40}$/;

/** A name as a slug suggestion: "Acme AI (EU)" → "acme-ai-eu". */
export const slugify = (name: string): string =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 41);

/** The API root: an absolute http(s) URL. */
export function baseUrlValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = (control.value ?? '').trim();
  if (!value) return { baseUrl: 'Enter the API root, e.g. https://api.example.com/v1.' };
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { baseUrl: 'Use an http:// or https:// address.' };
    return null;
  } catch {
    return { baseUrl: 'This is not a URL; e.g. https://api.example.com/v1.' };
  }
}

export function slugValidator(control: AbstractControl<string>): ValidationErrors | null {
  return SLUG_PATTERN.test(control.value ?? '')
    ? null
    : { slug: '2–41 lowercase letters, digits or dashes, starting with a letter or digit.' };
}
