#!/usr/bin/env node
// Cost of authenticating one request: `npm run bench:auth` (builds first; BENCH_DIST=<dir> reads another
// build). Pure CPU, one process: GatewayKeyGuard.authenticate() for a gateway key, for a repeated JWT
// (the verified-token cache: a SHA-256 and a map lookup) and for a JWT seen for the first time (a
// signature check: EdDSA as local sign-in signs, RS256 as Keycloak signs). Reports µs per request.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dist = path.resolve(root, process.env.BENCH_DIST || 'dist');
const load = (p) => require(path.join(dist, p));
const { AccessDirectory, generateGatewayKey, hashGatewayKey, InMemorySessionRevocations } = load(
  'libs/accounts/src/index.js',
);
const { GatewayKeyGuard } = load('apps/gateway/src/auth/gateway-key.guard.js');
const { TokenAuthenticator } = load('apps/gateway/src/auth/token-authenticator.js');
const { SessionTokens } = load('apps/gateway/src/auth/access-token-verifiers.js');
const { loadSessionSigningKey } = load('apps/gateway/src/auth/session-signing-key.js');
const { generateKeyPair, SignJWT, jwtVerify } = require('jose');
const { randomBytes } = require('node:crypto');

const ITERATIONS = Number(process.env.BENCH_ITERATIONS || 20_000);
const logger = { info() {}, warn() {}, error() {} };
const directory = new AccessDirectory();
const event = (type, data, revision) => ({
  id: `${type}-${revision}`,
  type,
  version: 1,
  data,
  metadata: { correlationId: 'c', actorId: 'system' },
  occurredAt: new Date(),
  streamId: 'account-u1',
  revision: BigInt(revision),
  position: { commit: BigInt(revision + 1), prepare: BigInt(revision + 1) },
});
directory.apply(
  event(
    'AccountOpened',
    {
      userId: 'u1',
      email: 'a@b.c',
      displayName: 'A',
      roles: ['user'],
      tier: 'free',
      powerLevel: 'eco',
      openedAt: '',
    },
    0,
  ),
);
const apiKey = generateGatewayKey();
directory.apply(
  event(
    'GatewayKeyIssued',
    { userId: 'u1', keyId: 'k1', name: 'n', keyHash: hashGatewayKey(apiKey), maskedKey: 'm', issuedAt: '' },
    1,
  ),
);

const sessions = new SessionTokens(
  await loadSessionSigningKey({ reveal: () => randomBytes(32).toString('base64') }, '/nonexistent'),
);
// as local sign-in runs: every token's session checked against the revoked-session list (here with
// 1,000 revoked sessions, none of them the tokens')
const revocations = new InMemorySessionRevocations();
for (let i = 0; i < 1_000; i++) await revocations.revoke(`revoked-${i}`, Date.now() + 600_000);
const tokens = new TokenAuthenticator(
  sessions,
  directory,
  { execute: async () => ({}) },
  logger,
  revocations,
);
const guard = new GatewayKeyGuard(directory, tokens);
const requestWith = (credential) => ({ headers: { authorization: `Bearer ${credential}` } });

async function measure(name, make, iterations = ITERATIONS) {
  for (let i = 0; i < Math.min(1_000, iterations); i++) await guard.authenticate(make(i));
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await guard.authenticate(make(i));
  const us = Number(process.hrtime.bigint() - started) / 1_000 / iterations;
  console.log(`${name.padEnd(52)} ${us.toFixed(2).padStart(8)} µs per request`);
}

await measure('gateway key (sk-sy-…)', () => requestWith(apiKey));
const { accessToken } = await sessions.sign('u1', 's1', Date.now());
await measure('repeated access token (verified-token cache)', () => requestWith(accessToken));
const fresh = await Promise.all(Array.from({ length: 3_000 }, () => sessions.sign('u1', 's1', Date.now())));
let n = 0;
await measure(
  'new EdDSA access token (signature check)',
  () => requestWith(fresh[n++ % fresh.length].accessToken),
  2_000,
);

// RS256 (Keycloak's default): jose's verification alone, as the OIDC verifier does per new token.
const rsa = await generateKeyPair('RS256');
const rs256 = await new SignJWT({ sub: 'x' })
  .setProtectedHeader({ alg: 'RS256' })
  .setExpirationTime('5m')
  .sign(rsa.privateKey);
const started = process.hrtime.bigint();
for (let i = 0; i < 2_000; i++) await jwtVerify(rs256, rsa.publicKey, { algorithms: ['RS256'] });
console.log(
  `${'new RS256 access token (jose jwtVerify only)'.padEnd(52)} ${(Number(process.hrtime.bigint() - started) / 1_000 / 2_000).toFixed(2).padStart(8)} µs per request`,
);
