import { ValidationError } from '@gw/shared-kernel';

/** What a provider's keys look like: shown by GET /api/v1/me/keys/providers and in a 400. */
export interface KeyFormat {
  /** Human-readable, e.g. `starts with sk-ant-`. */
  readonly hint: string;
  readonly prefixes: readonly string[];
  /** Prefixes that look right but belong to another provider (an Anthropic key is no OpenAI key). */
  readonly notPrefixes?: readonly string[];
  readonly minLength: number;
  readonly maxLength: number;
}

/** Key characters: letters, digits and `-_.:=+/` (base64, base64url, JWT-like keys). */
const KEY_CHARACTERS = /^[A-Za-z0-9\-_.:=+/]+$/;

const GENERIC: KeyFormat = { hint: '16 to 512 key characters', prefixes: [], minLength: 16, maxLength: 512 };

/** Known vendors' key shapes, by catalog provider slug; other providers get length and characters only. */
export const KEY_FORMATS: Readonly<Record<string, KeyFormat>> = {
  openai: {
    hint: 'starts with sk- or sk-proj-',
    prefixes: ['sk-proj-', 'sk-'],
    notPrefixes: ['sk-ant-', 'sk-or-'],
    minLength: 20,
    maxLength: 512,
  },
  anthropic: { hint: 'starts with sk-ant-', prefixes: ['sk-ant-'], minLength: 20, maxLength: 512 },
  gemini: { hint: 'starts with AIza', prefixes: ['AIza'], minLength: 30, maxLength: 100 },
  openrouter: { hint: 'starts with sk-or-', prefixes: ['sk-or-'], minLength: 20, maxLength: 512 },
  groq: { hint: 'starts with gsk_', prefixes: ['gsk_'], minLength: 20, maxLength: 512 },
  huggingface: { hint: 'starts with hf_', prefixes: ['hf_'], minLength: 10, maxLength: 512 },
  perplexity: { hint: 'starts with pplx-', prefixes: ['pplx-'], minLength: 20, maxLength: 512 },
};

export const keyFormatOf = (provider: string): KeyFormat => KEY_FORMATS[provider] ?? GENERIC;

/**
 * Checks a key's shape before anything else happens to it: a 400 that says what was expected. The
 * message never repeats the key (not even its prefix beyond the expected one).
 */
export function checkKeyFormat(provider: string, apiKey: string): void {
  const format = keyFormatOf(provider);
  const refuse = (why: string): never => {
    throw new ValidationError(
      'KEYS.INVALID_KEY_FORMAT',
      `This does not look like a ${provider} key: ${why} (expected: ${format.hint}` +
        (format === GENERIC ? '' : `, ${format.minLength} to ${format.maxLength} characters`) +
        ').',
      { param: 'apiKey' },
    );
  };
  if (apiKey.length < format.minLength || apiKey.length > format.maxLength)
    refuse(`it has ${apiKey.length} characters`);
  if (!KEY_CHARACTERS.test(apiKey)) refuse('it contains spaces or characters keys do not have');
  if (format.prefixes.length > 0 && !format.prefixes.some((p) => apiKey.startsWith(p)))
    refuse('it does not have the expected prefix');
  if (format.notPrefixes?.some((p) => apiKey.startsWith(p))) refuse("it has another provider's prefix");
}
