import { ValidationError } from '@gw/shared-kernel';
import { checkCustomEndpoint, customProviderSlug } from './custom-endpoint';

const refusal = (custom: { baseUrl?: unknown; models?: unknown }, hosts: string[] = []): string => {
  try {
    checkCustomEndpoint(custom, new Set(hosts));
  } catch (e) {
    if (e instanceof ValidationError) return `${String(e.details.param)}: ${e.message}`;
    throw e;
  }
  throw new Error('accepted');
};

describe('checkCustomEndpoint', () => {
  it('accepts a public https endpoint with model ids, without a trailing slash or duplicates', () => {
    expect(
      checkCustomEndpoint(
        { baseUrl: 'https://llm.example.com/v1/', models: ['llama3.2:3b', 'llama3.2:3b'] },
        new Set(),
      ),
    ).toEqual({ baseUrl: 'https://llm.example.com/v1', models: ['llama3.2:3b'] });
  });

  it('refuses internal and metadata addresses for users, unless the host is allowed', () => {
    expect(refusal({ baseUrl: 'http://127.0.0.1:8000/v1', models: ['m'] })).toMatch(
      /^baseUrl: baseUrl must not reach/,
    );
    expect(refusal({ baseUrl: 'http://10.0.0.5/v1', models: ['m'] })).toMatch(/^baseUrl: /);
    expect(refusal({ baseUrl: 'http://169.254.169.254/latest', models: ['m'] }, ['169.254.169.254'])).toMatch(
      /link-local/,
    );
    expect(refusal({ baseUrl: 'http://metadata.google.internal/v1', models: ['m'] })).toMatch(/metadata/);
    expect(
      checkCustomEndpoint({ baseUrl: 'http://10.0.0.5/v1', models: ['m'] }, new Set(['10.0.0.5'])).baseUrl,
    ).toBe('http://10.0.0.5/v1');
  });

  it('refuses credentials, query strings, other schemes and bad model lists', () => {
    expect(refusal({ baseUrl: 'https://u:p@llm.example.com/v1', models: ['m'] })).toMatch(/credentials/);
    expect(refusal({ baseUrl: 'https://llm.example.com/v1?key=x', models: ['m'] })).toMatch(/query string/);
    expect(refusal({ baseUrl: 'ftp://llm.example.com/v1', models: ['m'] })).toMatch(/http or https/);
    expect(refusal({ baseUrl: 'not a url', models: ['m'] })).toMatch(/absolute/);
    expect(refusal({ models: ['m'] })).toMatch(/^baseUrl: /);
    expect(refusal({ baseUrl: 'https://llm.example.com/v1', models: [] })).toMatch(/^models: /);
    expect(refusal({ baseUrl: 'https://llm.example.com/v1', models: ['../etc'] })).toMatch(/^models: /);
  });

  it('names the provider after the key id', () => {
    expect(customProviderSlug('0f8e2c1a-1111-2222-3333-444455556666')).toBe('custom-0f8e2c1a1111');
  });
});
