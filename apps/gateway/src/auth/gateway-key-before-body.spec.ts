import { authenticatesBeforeBody, PUBLIC_API_ROUTES } from './gateway-key-before-body';

describe('which routes are authenticated before their body is read', () => {
  it.each([
    ['POST', '/v1/chat/completions'],
    ['GET', '/v1/models'],
    ['POST', '/api/v1/admin/providers'],
    ['PUT', '/api/v1/admin/users/:id'],
    ['GET', '/api/v1/me'],
    ['HEAD', '/api/v1/me'],
    ['POST', '/api/v1/me/credits/checkout'],
    ['GET', '/api/v1/auth/login'], // only POST is public
    ['POST', '/api/docs/openapi.json'], // the documents are public to read only
  ])('%s %s: yes', (method, route) => {
    expect(authenticatesBeforeBody(method, route)).toBe(true);
  });

  it.each([
    ...[...PUBLIC_API_ROUTES].map((r) => r.split(' ') as [string, string]),
    ['HEAD', '/api/v1/auth/config'],
    ['GET', '/api/docs'],
    ['GET', '/api/docs/openapi.json'],
    ['GET', '/api/docs/swagger-ui-bundle.js'],
    ['GET', '/health/ready'],
    ['GET', '/metrics'],
    ['GET', '/billing/demo-checkout'],
    ['POST', '/billing/demo-checkout/pay'],
  ])('%s %s: no (public, or authenticated its own way)', (method, route) => {
    expect(authenticatesBeforeBody(method, route)).toBe(false);
  });

  it('an unknown route is a 404 for anyone, not a 401', () => {
    expect(authenticatesBeforeBody('POST', undefined)).toBe(false);
  });
});
