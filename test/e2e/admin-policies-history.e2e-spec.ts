import request from 'supertest';
import { DEFAULT_TIER_POLICY } from '@gw/accounts';
import { describeBackends } from '@gw/database/testing';
import { DEFAULT_RATE_LIMITS } from '@gw/limits';
import { billingPolicyToData, DEFAULT_BILLING_POLICY } from '@gw/usage-billing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * The version history of the three tier-and-billing policies (tier rules, rate limits, billing):
 * GET …/history lists every recorded version newest first, with who changed it, when, and the whole
 * policy of that version, and last version 0 (the product defaults, by nobody); the current GET and
 * PUT answer as before.
 */
describeBackends('admin policy histories', (backend) => {
  let gw: TestGateway;
  let adminId: string;
  let adminName: string;
  beforeAll(async () => {
    // `defaults`: no rate-limit change at start, so the limits' history starts empty.
    gw = await startTestGateway(backend, {}, { rateLimits: 'defaults' });
    ({ id: adminId, name: adminName } = (await as(gw.adminKey).get('/api/v1/me').expect(200)).body);
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
  });
  const admin = () => as(gw.adminKey);
  const since = Date.now();
  const expectChange = (entry: Record<string, unknown>, version: number): void => {
    expect(entry).toMatchObject({ version, changedBy: adminId, changedByName: adminName });
    const at = Date.parse(entry.changedAt as string);
    expect(at).toBeGreaterThanOrEqual(since - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  };

  const defaults = { version: 0, changedBy: null, changedByName: null, changedAt: null };

  it('rate limits: only the defaults at version 0, then each change as a version (newest first) with who and when', async () => {
    expect((await admin().get('/api/v1/admin/limits/history').expect(200)).body).toEqual({
      versions: [{ ...defaults, tiers: DEFAULT_RATE_LIMITS }],
    });
    const v0 = await admin().get('/api/v1/admin/limits').expect(200);
    const one = await admin()
      .put('/api/v1/admin/limits')
      .set('if-match', v0.headers.etag)
      .send({ tiers: { starter: { rpm: 7 } } })
      .expect(200);
    const two = await admin()
      .put('/api/v1/admin/limits')
      .set('if-match', one.headers.etag)
      .send({ tiers: { free: { tpm: null } } })
      .expect(200);
    const { body } = await admin().get('/api/v1/admin/limits/history').expect(200);
    expect(body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1, 0]);
    expect(body.versions[2]).toEqual({ ...defaults, tiers: DEFAULT_RATE_LIMITS });
    expectChange(body.versions[0], 2);
    expectChange(body.versions[1], 1);
    expect(body.versions[0].tiers).toEqual(two.body.tiers);
    expect(body.versions[1].tiers).toEqual(one.body.tiers);
    expect(body.versions[1].tiers.starter.rpm).toBe(7);
    expect(body.versions[1].tiers.free.tpm).not.toBeNull(); // version 1 as it was, not as it is now
    expect(body.versions[0].tiers.free.tpm).toBeNull();
    // the current view is unchanged in shape
    const now = await admin().get('/api/v1/admin/limits').expect(200);
    expect(now.body).toEqual({ version: 2, tiers: two.body.tiers });
    expect(now.headers.etag).toBe('"2"');
  });

  it('tier rules: each change as a version with the whole policy of that version', async () => {
    const before = await admin().get('/api/v1/admin/tiers').expect(200);
    const start = (await admin().get('/api/v1/admin/tiers/history').expect(200)).body.versions;
    expect(start).toHaveLength(before.body.version + 1);
    expect(start.at(-1)).toEqual({ ...defaults, tiers: DEFAULT_TIER_POLICY });
    const tiers = structuredClone(before.body.tiers);
    tiers.free = { powerLevels: ['eco', 'balanced'], byok: { allowed: true, keysPerProvider: 2 } };
    const put = await admin()
      .put('/api/v1/admin/tiers')
      .set('if-match', before.headers.etag)
      .send({ tiers })
      .expect(200);
    const { body } = await admin().get('/api/v1/admin/tiers/history').expect(200);
    expect(body.versions).toHaveLength(start.length + 1);
    expectChange(body.versions[0], put.body.version);
    expect(body.versions[0].tiers).toEqual(put.body.tiers);
    expect(body.versions[0].tiers.free).toEqual(tiers.free);
  });

  it('billing policy: each change as a version, money as decimal strings, older fields filled in', async () => {
    const before = await admin().get('/api/v1/admin/billing/policy').expect(200);
    const start = (await admin().get('/api/v1/admin/billing/policy/history').expect(200)).body.versions;
    expect(start).toHaveLength(before.body.version + 1);
    expect(start.at(-1)).toEqual({ ...defaults, ...billingPolicyToData(DEFAULT_BILLING_POLICY) });
    const put = await admin()
      .put('/api/v1/admin/billing/policy')
      .set('if-match', before.headers.etag)
      .send({
        signupCreditsMicros: '2500000',
        tierMarkupBps: { starter: 1234 },
        creditPackages: [{ id: 'pack-5', priceMicros: '5000000', credits: 5000 }],
      })
      .expect(200);
    const second = await admin()
      .put('/api/v1/admin/billing/policy')
      .set('if-match', put.headers.etag)
      .send({ byokFeeBps: 700 })
      .expect(200);
    const { body } = await admin().get('/api/v1/admin/billing/policy/history').expect(200);
    expect(body.versions).toHaveLength(start.length + 2);
    expectChange(body.versions[0], second.body.version);
    expectChange(body.versions[1], put.body.version);
    const { version: v1, ...policy1 } = put.body;
    const { version: v2, ...policy2 } = second.body;
    expect(body.versions[1]).toMatchObject({ version: v1, ...policy1 });
    expect(body.versions[0]).toMatchObject({ version: v2, ...policy2 });
    expect(body.versions[1].byokFeeBps).toBe(before.body.byokFeeBps);
    expect(body.versions[1].signupCreditsMicros).toBe('2500000');
    expect(body.versions[1].creditPackages).toEqual([
      { id: 'pack-5', priceMicros: '5000000', credits: 5000 },
    ]);
  });

  it('is for admins only', async () => {
    for (const path of [
      '/api/v1/admin/tiers/history',
      '/api/v1/admin/limits/history',
      '/api/v1/admin/billing/policy/history',
    ]) {
      const res = await as(gw.userKey).get(path);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await request(gw.baseUrl).get(path).expect(401);
    }
  });
});
