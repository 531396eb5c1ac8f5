import { ValidationError } from '@gw/shared-kernel';
import { checkKeyFormat, keyFormatOf } from './key-format';

const refusal = (provider: string, key: string): ValidationError => {
  try {
    checkKeyFormat(provider, key);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error(`accepted ${provider} ${key}`);
};

const body = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';

describe('checkKeyFormat', () => {
  it.each([
    ['openai', `sk-${body}`],
    ['openai', `sk-proj-${body}`],
    ['anthropic', `sk-ant-api03-${body}`],
    ['gemini', `AIza${body}`],
    ['openrouter', `sk-or-v1-${body}`],
    ['groq', `gsk_${body}`],
    ['huggingface', `hf_${body}`],
    ['perplexity', `pplx-${body}`],
    ['together', body],
    ['mistral', `${body}-_.:=+/`],
  ])('accepts a %s key of the right shape', (provider, key) => {
    expect(() => checkKeyFormat(provider, key)).not.toThrow();
  });

  it.each([
    ['openai', `pk-${body}`, 'starts with sk- or sk-proj-'],
    ['openai', `sk-ant-${body}`, 'starts with sk- or sk-proj-'],
    ['anthropic', `sk-${body}`, 'starts with sk-ant-'],
    ['gemini', `AIzb${body}`, 'starts with AIza'],
    ['openrouter', `sk-${body}`, 'starts with sk-or-'],
    ['groq', `gsq_${body}`, 'starts with gsk_'],
    ['huggingface', `hg_${body}`, 'starts with hf_'],
    ['perplexity', `pplx_${body}`, 'starts with pplx-'],
  ])('refuses a %s key without its prefix, saying what was expected', (provider, key, hint) => {
    const e = refusal(provider, key);
    expect(e.code).toBe('KEYS.INVALID_KEY_FORMAT');
    expect(e.details).toEqual({ param: 'apiKey' });
    expect(e.message).toContain(`expected: ${hint}`);
    expect(e.message).not.toContain(body.slice(0, 12));
  });

  it('refuses keys that are too short or too long, with their length', () => {
    expect(refusal('openai', 'sk-short').message).toContain('it has 8 characters');
    expect(refusal('together', 'x'.repeat(600)).message).toContain('16 to 512 key characters');
    expect(refusal('together', 'short').message).toContain('it has 5 characters');
  });

  it('refuses spaces, quotes and control characters for every provider', () => {
    for (const key of [`${body} x`, `${body}"`, `${body}\n`, `Bearer ${body}`, `${body}é`])
      expect(refusal('together', key).message).toContain('characters keys do not have');
    expect(refusal('openai', `sk-${body} `).message).toContain('characters keys do not have');
  });

  it('gives every provider a hint', () => {
    expect(keyFormatOf('openai').hint).toBe('starts with sk- or sk-proj-');
    expect(keyFormatOf('some-new-provider').hint).toBe('16 to 512 key characters');
  });
});
