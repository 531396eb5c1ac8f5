import { authorizeScrape, tokenDigest } from './scrape-auth';

const token = 'metrics-0123456789abcdef';

describe('authorizeScrape', () => {
  const expected = tokenDigest(token);

  it('allows the configured token as a bearer token (any case of the scheme, trailing space)', () => {
    expect(authorizeScrape(`Bearer ${token}`, expected)).toBe('allowed');
    expect(authorizeScrape(`bearer ${token} `, expected)).toBe('allowed');
  });

  it('no header is missing; another token, another scheme or a token with more in it is invalid', () => {
    expect(authorizeScrape(undefined, expected)).toBe('missing');
    expect(authorizeScrape('', expected)).toBe('missing');
    for (const header of [
      `Bearer ${token.slice(0, -1)}0`,
      `Bearer ${token}x`,
      `Basic ${token}`,
      `Bearer ${token} more`,
      'Bearer ',
      token,
    ])
      expect({ header, auth: authorizeScrape(header, expected) }).toEqual({ header, auth: 'invalid' });
  });

  it('without a configured token, nothing is allowed, not even an empty one', () => {
    expect(authorizeScrape(`Bearer ${token}`, undefined)).toBe('invalid');
    expect(authorizeScrape(undefined, undefined)).toBe('missing');
  });
});
