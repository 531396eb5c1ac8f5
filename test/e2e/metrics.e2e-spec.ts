import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describePostgres } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/** The product's metric families (docs/operations.md § Metrics) a scrape shows before any traffic. */
const ALWAYS_THERE = [
  '# TYPE llm_requests_total counter',
  '# TYPE llm_request_duration_seconds histogram',
  '# TYPE llm_time_to_first_token_seconds histogram',
  '# TYPE llm_tokens_total counter',
  '# TYPE llm_cost_micro_usd_total counter',
  '# TYPE llm_charge_micro_usd_total counter',
  '# TYPE llm_fallbacks_total counter',
  '# TYPE switchyard_gateway_overhead_seconds histogram',
  '# TYPE switchyard_budget_refusals_total counter',
  '# TYPE switchyard_rate_limited_total counter',
  'llm_provider_health{provider="mock-swift"} 1',
  'switchyard_budget_store_degraded 0',
];

describe('GET /metrics in embedded mode: open, as the demo runs on 127.0.0.1 (pglite)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());

  it('answers without credentials, with the product metrics and each projection’s lag in seconds', async () => {
    const res = await request(gw.baseUrl).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const line of ALWAYS_THERE) expect(res.text).toContain(line);
    await gw.waitForProjections();
    const caughtUp = await request(gw.baseUrl).get('/metrics').expect(200);
    expect(caughtUp.text).toMatch(/switchyard_projection_lag_seconds\{projection="[^"]+"\} 0\n/);
    expect(caughtUp.text).not.toContain('switchyard_provider_up');
  });
});

describePostgres('GET /metrics outside embedded mode: METRICS_TOKEN or an admin key', () => {
  const metricsToken = randomBytes(24).toString('hex');
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('postgres', { METRICS_TOKEN: metricsToken });
    expect(gw.gateway.runtime.config.embedded).toBe(false);
  });
  afterAll(() => gw?.close());

  const scrape = (authorization?: string) => {
    const r = request(gw.baseUrl).get('/metrics');
    return authorization === undefined ? r : r.set('authorization', authorization);
  };

  it('without credentials: 401 problem+json that says how to authenticate, and no metrics', async () => {
    const res = await scrape().expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(res.body).toMatchObject({
      status: 401,
      code: 'missing_api_key',
      correlationId: res.headers['x-switchyard-request-id'],
    });
    expect(res.text).not.toContain('llm_');
  });

  it('a wrong token, or the token off by one character, is 401 and is not echoed', async () => {
    const wrong = metricsToken.slice(0, -1) + (metricsToken.endsWith('0') ? '1' : '0');
    for (const token of [wrong, `${metricsToken}x`, 'nonsense']) {
      const res = await scrape(`Bearer ${token}`).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'invalid_api_key' });
      expect(res.text).not.toContain(token);
    }
    await scrape(`Basic ${metricsToken}`).expect(401);
  });

  it('METRICS_TOKEN as a bearer token: the metrics, without the token or any key in them', async () => {
    const res = await scrape(`Bearer ${metricsToken}`).expect(200);
    for (const line of ALWAYS_THERE) expect(res.text).toContain(line);
    expect(res.text).toMatch(/switchyard_projection_lag_seconds\{projection="[^"]+"\} /);
    for (const secret of [metricsToken, gw.adminKey, gw.userKey]) expect(res.text).not.toContain(secret);
  });

  it('an admin’s gateway key: the metrics; a user’s key: 403 problem+json', async () => {
    const admin = await scrape(`Bearer ${gw.adminKey}`).expect(200);
    expect(admin.text).toContain('# TYPE llm_requests_total counter');
    const user = await scrape(`Bearer ${gw.userKey}`).expect(403);
    expect(user.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(user.body).toMatchObject({ status: 403, code: 'AUTH.ADMIN_ONLY' });
    expect(user.text).not.toContain('llm_');
  });
});

describePostgres('GET /metrics outside embedded mode without METRICS_TOKEN', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('postgres');
  });
  afterAll(() => gw?.close());

  it('takes an admin key only', async () => {
    await request(gw.baseUrl).get('/metrics').expect(401);
    await request(gw.baseUrl).get('/metrics').set('authorization', 'Bearer ').expect(401);
    await request(gw.baseUrl).get('/metrics').set('authorization', `Bearer ${gw.adminKey}`).expect(200);
  });
});
