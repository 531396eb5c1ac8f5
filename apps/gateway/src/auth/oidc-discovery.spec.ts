import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Writable } from 'node:stream';
import { OidcDiscovery, OidcDiscoveryError } from './oidc-discovery';

describe('OidcDiscovery', () => {
  let server: Server;
  let base = '';
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  let fetches = 0;
  let logs = '';
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs += chunk.toString();
        done();
      },
    }),
  );
  const issuer = () => `${base}/realms/a`;
  const goodDocument = () => ({
    issuer: issuer(),
    jwks_uri: `${issuer()}/certs`,
    authorization_endpoint: `${issuer()}/auth`,
    token_endpoint: `${issuer()}/token`,
    revocation_endpoint: 'not a url',
  });

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    fetches = 0;
    logs = '';
  });

  const discovery = () => new OidcDiscovery(issuer(), `${issuer()}/.well-known/openid-configuration`, logger);

  it('fetches once for concurrent and later callers, and keeps only http(s) endpoints', async () => {
    answer = { status: 200, body: goodDocument() };
    const d = discovery();
    const [a, b] = await Promise.all([d.document(), d.document()]);
    await d.document();
    expect(fetches).toBe(1);
    expect(a).toBe(b);
    expect(a).toEqual({
      issuer: issuer(),
      jwksUri: `${issuer()}/certs`,
      authorizationEndpoint: `${issuer()}/auth`,
      tokenEndpoint: `${issuer()}/token`,
    });
  });

  it('a failure is retried by the next caller and logged once until it succeeds', async () => {
    answer = { status: 503, body: {} };
    const d = discovery();
    await expect(d.document()).rejects.toBeInstanceOf(OidcDiscoveryError);
    await expect(d.document()).rejects.toThrow('discovery answered 503');
    expect(fetches).toBe(2);
    expect(logs.match(/OIDC discovery failed/g)).toHaveLength(1);
    answer = { status: 200, body: goodDocument() };
    await expect(d.document()).resolves.toMatchObject({ tokenEndpoint: `${issuer()}/token` });
    expect(logs).toContain('OIDC discovery succeeded again');
  });

  it.each<[string, unknown]>([
    ['another issuer', { issuer: 'https://other.example', jwks_uri: 'https://other.example/certs' }],
    ['no jwks_uri', { issuer: 'ISSUER' }],
    ['no object', null],
  ])('refuses a document with %s', async (_name, body) => {
    answer = {
      status: 200,
      body:
        body && typeof body === 'object'
          ? JSON.parse(JSON.stringify(body).replace('ISSUER', issuer()))
          : body,
    };
    await expect(discovery().document()).rejects.toBeInstanceOf(OidcDiscoveryError);
  });
});
