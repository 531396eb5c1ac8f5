import request from 'supertest';
import { toProviderStreamId } from '@gw/catalog';
import { eventually, manualClock } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const COOLDOWN_MS = 30_000;

describe('provider health: degraded, skipped, re-admitted (embedded)', () => {
  let gw: TestGateway;
  // The health tracker's time stands still until the test moves it: the cooldown ends when the test
  // says so, never because the box was slow between two requests.
  const clock = manualClock();
  beforeAll(async () => {
    gw = await startTestGateway(
      'pglite',
      { HEALTH_COOLDOWN_MS: String(COOLDOWN_MS) },
      { healthClock: clock },
    );
  });
  afterAll(() => gw?.close());

  const eco = () =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'eco', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
  const health = () =>
    request(gw.baseUrl)
      .get('/api/v1/admin/providers/mock-swift/health')
      .set('authorization', `Bearer ${gw.adminKey}`);
  const providerEvents = async () =>
    (await gw.gateway.runtime.eventStore.readStream(toProviderStreamId('mock-swift'))).map((e) => e.type);

  it('a provider that keeps failing is reported degraded and skipped, then re-admitted after it recovers', async () => {
    const swift = gw.gateway.runtime.mocks.get('mock-swift')!;
    swift.failWith(503, 0); // no retry-after: the breaker, not a pause, takes it out
    for (let i = 0; i < 5; i++) expect((await eco()).headers['x-switchyard-attempts']).toBe('2');

    // open: routing no longer tries it at all
    const skipped = await eco();
    expect(skipped.headers['x-switchyard-attempts']).toBe('1');
    expect(skipped.headers['x-switchyard-provider']).not.toBe('mock-swift');
    await gw.gateway.runtime.writer.flush();
    expect(await providerEvents()).toEqual(['ProviderRegistered', 'ProviderDegraded']);
    await gw.waitForProjections();
    const down = await health();
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({
      provider: 'mock-swift',
      state: 'open',
      timeline: [{ kind: 'degraded' }],
    });
    expect(down.body.timeline[0].reason).toContain('5 consecutive failures');

    // it recovers, but the cooldown is not over: a millisecond before its end it is still skipped
    swift.failWith(null);
    const tracker = gw.gateway.runtime.chatContext.health;
    clock.advance(COOLDOWN_MS - 1);
    expect(tracker.unavailableForMs('mock-swift')).toBe(1);
    const stillSkipped = await eco();
    expect(stillSkipped.headers['x-switchyard-provider']).not.toBe('mock-swift');
    expect(stillSkipped.headers['x-switchyard-attempts']).toBe('1');
    // the cooldown ends: the next request probes it and brings it back
    clock.advance(1);
    expect(tracker.unavailableForMs('mock-swift')).toBeUndefined();
    const back = await eco();
    expect(back.headers['x-switchyard-provider']).toBe('mock-swift');
    expect(back.headers['x-switchyard-attempts']).toBe('1');
    await gw.gateway.runtime.writer.flush();
    expect(await providerEvents()).toEqual(['ProviderRegistered', 'ProviderDegraded', 'ProviderRecovered']);
    await gw.waitForProjections();
    const up = await health();
    expect(up.body).toMatchObject({
      state: 'closed',
      timeline: [{ kind: 'recovered' }, { kind: 'degraded' }],
    });
    const metrics = await request(gw.baseUrl).get('/metrics');
    expect(metrics.text).toContain('llm_provider_health{provider="mock-swift"} 1');
  });

  it('health is for admins, and unknown providers are 404', async () => {
    const asUser = await request(gw.baseUrl)
      .get('/api/v1/admin/providers/mock-swift/health')
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(asUser.status).toBe(403);
    const unknown = await request(gw.baseUrl)
      .get('/api/v1/admin/providers/nope/health')
      .set('authorization', `Bearer ${gw.adminKey}`);
    expect(unknown.status).toBe(404);
  });
});

describe('provider health: active probes (embedded, probes on for the mocks)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A cooldown far longer than the test: only the probes can take the provider out and back in.
    gw = await startTestGateway('pglite', {
      HEALTH_COOLDOWN_MS: '600000',
      HEALTH_PROBE_INTERVAL_MS: '100',
      HEALTH_PROBE_MOCKS: 'on',
    });
  });
  afterAll(() => gw?.close());

  const healthEvents = async () =>
    (await gw.gateway.runtime.eventStore.readStream(toProviderStreamId('mock-sage')))
      .filter((e) => e.type === 'ProviderDegraded' || e.type === 'ProviderRecovered')
      .map((e) => ({ type: e.type, reason: (e.data as { reason: string }).reason }));
  const until = (done: () => boolean, what: string) =>
    eventually(() => (done() ? true : undefined), 10_000, what);

  it('failing probes degrade a provider without any traffic; a good probe re-admits it before the cooldown', async () => {
    const sage = gw.gateway.runtime.mocks.get('mock-sage')!;
    sage.failWith(500);
    await until(() => !gw.gateway.runtime.chatContext.health.isAvailable('mock-sage'), 'mock-sage degraded');
    sage.failWith(null);
    await until(() => gw.gateway.runtime.chatContext.health.isAvailable('mock-sage'), 'mock-sage back');
    await gw.gateway.runtime.writer.flush();
    expect(await healthEvents()).toEqual([
      { type: 'ProviderDegraded', reason: expect.stringContaining('probe: server') },
      { type: 'ProviderRecovered', reason: expect.stringContaining('active health probe') },
    ]);
    // The other mocks kept answering their probes: nothing recorded for them.
    const swift = await gw.gateway.runtime.eventStore.readStream(toProviderStreamId('mock-swift'));
    expect(swift.map((e) => e.type)).toEqual(['ProviderRegistered']);
  });
});
