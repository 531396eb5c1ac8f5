import request from 'supertest';
import { eventually } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * The provider-health read model over HTTP: a mock provider that fails shows its errors by kind, goes
 * down once its circuit opens (the timeline), and the user catalog reads the same status.
 */
describe('provider health report (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A cooldown far longer than the test: the circuit stays open once it opens.
    gw = await startTestGateway('pglite', { HEALTH_COOLDOWN_MS: '600000' });
  });
  afterAll(() => gw?.close());

  const eco = () =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'eco', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
  const admin = (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${gw.adminKey}`);

  it('a failing provider shows its 5xx by kind, goes down with its circuit, and the catalog says so', async () => {
    // healthy traffic first
    for (let i = 0; i < 3; i++) await eco();
    const swift = gw.gateway.runtime.mocks.get('mock-swift')!;
    swift.failWith(503, 0);
    for (let i = 0; i < 5; i++) expect((await eco()).headers['x-switchyard-attempts']).toBe('2');
    await gw.gateway.runtime.writer.flush();
    await gw.waitForProjections();

    const report = await admin('/api/v1/admin/providers/health?window=1h').expect(200);
    expect(report.body.window).toBe('1h');
    expect(Date.parse(report.body.to) - Date.parse(report.body.from)).toBeLessThanOrEqual(3_600_000);
    const row = report.body.providers.find((p: { provider: string }) => p.provider === 'mock-swift');
    expect(row).toMatchObject({
      name: expect.any(String),
      enabled: true,
      status: 'down',
      errors: { serverError: 5, rateLimited: 0, timeout: 0, auth: 0 },
      lastChange: { kind: 'degraded' },
    });
    expect(row.requests).toBeGreaterThanOrEqual(5);
    expect(row.successRate).toBeLessThan(1);
    expect(row.uptime).toBeLessThan(1);
    expect(row.credentials[0]).toMatchObject({ credential: 'platform' });
    // the providers that answered the fallbacks: healthy, with latency
    const answered = report.body.providers.filter(
      (p: { provider: string; successes: number }) => p.provider !== 'mock-swift' && p.successes > 0,
    );
    expect(answered.length).toBeGreaterThan(0);
    expect(answered[0].status).toBe('healthy');
    expect(answered[0].latencyMs.p50).toEqual(expect.any(Number));

    const detail = await admin('/api/v1/admin/providers/mock-swift/health?window=1h').expect(200);
    expect(detail.body).toMatchObject({
      provider: 'mock-swift',
      state: 'open',
      window: '1h',
      timeline: [{ kind: 'degraded' }],
      summary: { provider: 'mock-swift', status: 'down' },
    });
    expect(detail.body.series).toHaveLength(60);
    const failures = detail.body.series.reduce((n: number, p: { failures: number }) => n + p.failures, 0);
    expect(failures).toBe(5);
    expect(detail.body.series.at(-1).healthy).toBe(false);
    expect(
      (await admin('/api/v1/admin/providers/mock-swift/health?window=7d').expect(200)).body.series,
    ).toHaveLength(168);
    // the default window is 24h
    expect((await admin('/api/v1/admin/providers/health').expect(200)).body.window).toBe('24h');

    // the user catalog reads the same model (cached for a few seconds)
    await eventually(
      async () => {
        const catalog = await request(gw.baseUrl)
          .get('/api/v1/catalog/models')
          .set('authorization', `Bearer ${gw.userKey}`)
          .expect(200);
        const models = catalog.body.models.filter((m: { provider: string }) => m.provider === 'mock-swift');
        return models.length > 0 && models.every((m: { health: string }) => m.health === 'down')
          ? true
          : undefined;
      },
      15_000,
      'the catalog shows mock-swift down',
      100,
    );
  });

  it('a window other than 1h, 24h or 7d is a 400 problem; users get 403; unknown providers 404', async () => {
    for (const path of [
      '/api/v1/admin/providers/health?window=2h',
      '/api/v1/admin/providers/mock-swift/health?window=x',
    ]) {
      const bad = await admin(path);
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.body.code).toBe('HEALTH.WINDOW_INVALID');
    }
    const asUser = await request(gw.baseUrl)
      .get('/api/v1/admin/providers/health')
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(asUser.status).toBe(403);
    expect((await admin('/api/v1/admin/providers/nope/health?window=1h')).status).toBe(404);
  });
});
