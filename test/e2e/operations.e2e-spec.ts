import request from 'supertest';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describe('operations (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());

  it('is live and ready; readiness shows its details to an admin only', async () => {
    expect((await request(gw.baseUrl).get('/health/live')).status).toBe(200);
    const ready = await request(gw.baseUrl).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok' });
    const asUser = await request(gw.baseUrl)
      .get('/health/ready')
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(asUser.body).toEqual({ status: 'ok' });
    const asAdmin = await request(gw.baseUrl)
      .get('/health/ready')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .expect(200);
    expect(asAdmin.body.info).toMatchObject({ eventStore: { status: 'up' }, database: { status: 'up' } });
  });

  it('a failing backing service: 503 with the status only, unless an admin asks', async () => {
    const store = gw.gateway.runtime.eventStore;
    const ping = store.ping.bind(store);
    // what a real outage's error looks like: it names the host and port
    store.ping = () => Promise.reject(new Error('connect ECONNREFUSED db-primary.internal:5432'));
    try {
      const open = await request(gw.baseUrl).get('/health/ready');
      expect(open.status).toBe(503);
      expect(open.body).toEqual({ status: 'error' });
      expect(open.text).not.toContain('ECONNREFUSED');
      expect(open.text).not.toContain('db-primary');
      const asAdmin = await request(gw.baseUrl)
        .get('/health/ready')
        .set('authorization', `Bearer ${gw.adminKey}`);
      expect(asAdmin.status).toBe(503);
      expect(asAdmin.body.error.eventStore).toMatchObject({
        status: 'down',
        message: 'connect ECONNREFUSED db-primary.internal:5432',
      });
    } finally {
      store.ping = ping;
    }
    await request(gw.baseUrl).get('/health/ready').expect(200);
  });

  it('exposes Prometheus metrics that count chat requests', async () => {
    await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
    const res = await request(gw.baseUrl).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/llm_requests_total\{[^}]*status="completed"[^}]*\} [1-9]/);
    expect(res.text).toContain('switchyard_process_cpu_seconds_total');
    expect(res.text).not.toContain(gw.userKey);
  });

  it('shows each provider’s catalog status', async () => {
    const res = await request(gw.baseUrl).get('/metrics').expect(200);
    expect(res.text).toContain('switchyard_provider_status{provider="mock-swift",status="active"} 1');
    expect(res.text).toContain('switchyard_provider_status{provider="openai",status="needs_key"} 1');
    expect(res.text).toContain('switchyard_provider_status{provider="ollama",status="disabled"} 1');
    expect(res.text).not.toMatch(/switchyard_provider_status\{provider="openai",status="active"\}/);
  });

  it('writes the bootstrap credentials with mode 0600', async () => {
    const file = path.join(gw.gateway.runtime.config.dataDir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ admin: { apiKey: gw.adminKey }, user: { apiKey: gw.userKey } });
  });
});
