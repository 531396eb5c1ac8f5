import { redirectUriAllowed } from './oidc-sign-in';

describe('redirectUriAllowed: the portal may only name a redirect URI on the origin it called', () => {
  const http = { host: 'gw.example:8080', secure: false };
  const https = { host: 'gw.example', secure: true };

  it.each([
    ['http://gw.example:8080/login', http],
    ['https://gw.example:8080/login', http], // TLS ended at a proxy that is not in TRUSTED_PROXIES
    ['https://gw.example/login', https],
    ['https://GW.example:443/login', https],
    ['http://gw.example:8080/login?next=%2Fapp', http],
  ])('%s is accepted', (uri, request) => expect(redirectUriAllowed(uri, request)).toBe(true));

  it.each([
    ['http://gw.example/login', http], // another port
    ['http://evil.example:8080/login', http],
    ['http://gw.example.evil.example:8080/login', http],
    ['http://gw.example/login', https], // https request, http redirect
    ['https://gw.example/login#x', https],
    ['https://user:pw@gw.example/login', https],
    ['javascript:alert(1)', http],
    ['/login', http],
    ['not a url', http],
  ])('%s is refused', (uri, request) => expect(redirectUriAllowed(uri, request)).toBe(false));

  it('refuses everything without a Host header, except what OIDC_REDIRECT_URIS lists', () => {
    expect(redirectUriAllowed('http://gw.example/login', { host: undefined, secure: false })).toBe(false);
    expect(
      redirectUriAllowed('http://localhost:4200/login', { host: undefined, secure: false }, [
        'http://localhost:4200/login',
      ]),
    ).toBe(true);
    expect(redirectUriAllowed('http://localhost:4200/other', http, ['http://localhost:4200/login'])).toBe(
      false,
    );
  });

  it('a Host header that is no host is refused, never thrown', () => {
    expect(redirectUriAllowed('http://gw.example/login', { host: 'a b/c', secure: false })).toBe(false);
  });
});
