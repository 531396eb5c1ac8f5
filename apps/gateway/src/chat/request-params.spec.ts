import { OPENAI_CHAT_PARAMS } from '@gw/providers';
import { bodyForProvider, ignoredParamsHeader, upstreamRequest } from './request-params';

const base = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

describe('bodyForProvider', () => {
  it('drops the gateway’s own power_level and keeps the rest as it is', () => {
    expect(bodyForProvider({ ...base, power_level: 'eco', temperature: 0 }, undefined)).toEqual({
      ...base,
      temperature: 0,
    });
  });

  it('drops paid features the provider does not allow, keeps the ones it does', () => {
    const body = { ...base, service_tier: 'priority', store: true, modalities: ['text', 'audio'] };
    expect(bodyForProvider(body, undefined)).toEqual(base);
    expect(bodyForProvider(body, { allowedPaidParams: ['store'] })).toEqual({ ...base, store: true });
    expect(bodyForProvider(body, { allowedPaidParams: ['service_tier', 'store', 'audio'] })).toEqual(body);
  });

  it('keeps the priced defaults of paid parameters', () => {
    const body = { ...base, service_tier: 'default', store: false };
    expect(bodyForProvider(body, undefined)).toEqual(body);
  });

  it('audio output is dropped with both its fields', () => {
    const body = { ...base, audio: { voice: 'alloy', format: 'mp3' }, modalities: ['text', 'audio'] };
    expect(bodyForProvider(body, undefined)).toEqual(base);
  });

  it('upstreamRequest sets the upstream model and the stream flag', () => {
    expect(upstreamRequest({ ...base, power_level: 'eco' }, undefined, 'gpt-x', true)).toEqual({
      ...base,
      model: 'gpt-x',
      stream: true,
    });
  });
});

describe('ignoredParamsHeader', () => {
  it('is absent when the provider received everything', () => {
    expect(
      ignoredParamsHeader({ ...base, temperature: 1, power_level: 'eco' }, OPENAI_CHAT_PARAMS, undefined),
    ).toBe(undefined);
  });

  it('lists unknown fields, sorted and comma-separated; power_level is the gateway’s, not ignored', () => {
    expect(
      ignoredParams({ ...base, top_k: 40, repetition_penalty: 1.1, power_level: 'eco', a_thing: 1 }),
    ).toBe('a_thing,repetition_penalty,top_k');
  });

  it('lists paid features the provider does not allow (they were dropped)', () => {
    const body = { ...base, service_tier: 'priority', modalities: ['audio'], junk: 1 };
    expect(ignoredParamsHeader(body, OPENAI_CHAT_PARAMS, undefined)).toBe('junk,modalities,service_tier');
    expect(
      ignoredParamsHeader(body, OPENAI_CHAT_PARAMS, { allowedPaidParams: ['service_tier', 'audio'] }),
    ).toBe('junk');
  });

  it('depends on what the wire format knows', () => {
    const known = new Set(['model', 'messages', 'temperature']);
    expect(ignoredParamsHeader({ ...base, temperature: 1, seed: 3 }, known, undefined)).toBe('seed');
  });

  it('is a valid header value whatever the keys, and bounded', () => {
    const odd = ignoredParams({ ...base, 'a b': 1, ünï: 2, 'x\r\ny': 3 });
    expect(odd).toMatch(/^[\x21-\x7e]+$/);
    expect(odd!.split(',').map(decodeURIComponent).sort()).toEqual(['a b', 'x\r\ny', 'ünï'].sort());
    const many = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`p${String(i).padStart(3, '0')}`, i]),
    );
    const listed = ignoredParams({ ...base, ...many })!.split(',');
    expect(listed).toHaveLength(33);
    expect(listed[32]).toBe('+68');
  });
});

function ignoredParams(body: Record<string, unknown>): string | undefined {
  return ignoredParamsHeader(body, OPENAI_CHAT_PARAMS, undefined);
}
