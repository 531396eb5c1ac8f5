import fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import pino from 'pino';
import { UnauthorizedError } from '@gw/shared-kernel';
import {
  authenticatesBeforeBody,
  checkGatewayKeyBeforeBody,
  PUBLIC_API_ROUTES,
} from './gateway-key-before-body';
import type { GatewayKeyGuard } from './gateway-key.guard';

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

describe('checkGatewayKeyBeforeBody on a Fastify instance', () => {
  const make = async (): Promise<{ app: FastifyInstance; checked: string[] }> => {
    const checked: string[] = [];
    const guard = {
      authenticate: (request: FastifyRequest) => {
        checked.push(`${request.method} ${request.url}`);
        if (request.headers.authorization !== 'Bearer good')
          throw new UnauthorizedError('AUTH.INVALID_API_KEY', 'Incorrect API key provided.');
        return { userId: 'u1' };
      },
    } as unknown as GatewayKeyGuard;
    const app = fastify({ logger: false });
    checkGatewayKeyBeforeBody(app, guard, pino({ level: 'silent' }));
    app.post('/v1/chat/completions', () => ({ ok: true }));
    app.get('/api/v1/me', () => ({ ok: true }));
    app.post('/api/v1/auth/login', () => ({ ok: true }));
    app.get('/health/ready', () => ({ ok: true }));
    await app.ready();
    return { app, checked };
  };

  it('checks /v1 and private /api routes (HEAD included), never public routes or unknown paths', async () => {
    const { app, checked } = await make();
    const refused = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: {} });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    const served = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Bearer good' },
    });
    expect(served.statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {} })).statusCode).toBe(
      200,
    );
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/unknown', payload: {} })).statusCode).toBe(404);
    expect(checked).toEqual(['POST /v1/chat/completions', 'GET /api/v1/me', 'HEAD /api/v1/me']);
    await app.close();
  });
});
