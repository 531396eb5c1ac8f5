import { randomUUID } from 'node:crypto';
import { PostgresEventStore, toNewEvents } from '@gw/eventstore';
import { describeBackends, openTestDatabase, type TestDatabase } from '@gw/database/testing';
import { createLogger } from '@gw/platform';
import { ProjectionRunnerGroup, type LagSubject, type Projection } from '@gw/projections';
import type { Position } from '@gw/shared-kernel';
import { migration as createEventStore } from '../../../../migrations/20261123120000_create_event_store';
import { migration as createProjectionCheckpoints } from '../../../../migrations/20261123120100_create_projection_checkpoints';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { createProjectorRegistry } from './projector-metrics';

const TOKEN = `metrics-${randomUUID()}`;
const logger = createLogger('silent', 'switchyard-projector-test');

/** A projection that writes nothing: only its runner's checkpoint matters here. */
const projection = (name: string): Projection => ({ name, version: 1, tables: [], apply: async () => {} });

const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);
const metadata = { correlationId: 'c', actorId: 'test', actorKind: 'system' } as const;

/** The value of one series in Prometheus text, or undefined when it is not there. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describeBackends('projector metrics server over a real event store', (kind) => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let group: ProjectionRunnerGroup;
  let server: MetricsServer;
  const fast = `fast-${randomUUID()}`;
  const slow = `slow-${randomUUID()}`;
  /** Stands in for the Kafka relay: it reads only `Relayed` events and has published none yet. */
  const relay: LagSubject & { checkpoint: Position | null } = {
    name: 'kafka',
    checkpoint: null,
    eventTypes: ['Relayed'],
  };

  const append = async (type: string, occurredAt: Date) => {
    const streamId = `tick-${randomUUID()}`;
    await store.append({ streamId, events: toNewEvents([{ type, data: {} }], metadata, occurredAt) });
    const [event] = await store.readStream(streamId);
    return event!;
  };
  const runner = (name: string) => group.runner(name)!;
  const scrape = (authorization?: string, path = '/metrics', method = 'GET') =>
    fetch(`${server.url}${path}`, {
      method,
      headers: authorization === undefined ? {} : { authorization },
    });
  const metrics = async (): Promise<string> => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const lag = (text: string, name: string) =>
    sample(text, 'switchyard_projection_lag_seconds', `{projection="${name}"}`);

  beforeAll(async () => {
    database = await openTestDatabase(
      kind,
      [createEventStore, createProjectionCheckpoints],
      'projector_test',
    );
    store = new PostgresEventStore(database.knex, { pollIntervalMs: 20, singleWriter: kind === 'pglite' });
    await append('Relayed', secondsAgo(300));
    const last = await append('Ticked', secondsAgo(200));
    group = new ProjectionRunnerGroup([projection(fast), projection(slow)], {
      eventStore: store,
      db: database.knex,
      logger,
    });
    await group.start();
    // The appended event's position, not the head: on a shared PostgreSQL server the head read now
    // can stop short of it while another session's older transaction is still open.
    await group.waitFor(last.position, { timeoutMs: 10_000 });
    server = await startMetricsServer({
      registry: createProjectorRegistry({ eventStore: store, projections: group.runners, relay, logger }),
      metricsToken: { reveal: () => TOKEN },
      host: '127.0.0.1',
      port: 0,
      logger,
    });
  });
  afterAll(async () => {
    await server?.close();
    await group?.stop();
    await store?.close();
    await database?.drop();
  });

  it('without a token, with a wrong one or another scheme: 401 problem+json and no metrics', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const body = (await none.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 401, code: 'missing_api_key' });
    expect(body.correlationId).toBe(none.headers.get('x-switchyard-request-id'));

    const wrongToken = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('0') ? '1' : '0'}`;
    for (const authorization of [`Bearer ${wrongToken}`, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`]) {
      const res = await scrape(authorization);
      const text = await res.text();
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
      expect(JSON.parse(text)).toMatchObject({ status: 401, code: 'invalid_api_key' });
      expect(text).not.toContain('switchyard_');
      expect(text).not.toContain(wrongToken);
      expect(text).not.toContain(TOKEN);
    }
  });

  it('the lag of each projection from its runner’s checkpoint: > 0 while it is behind, 0 once it caught up', async () => {
    const caughtUp = await metrics();
    expect(lag(caughtUp, fast)).toBe(0);
    expect(lag(caughtUp, slow)).toBe(0);

    // The slow projection stops; events arrive that only the fast one applies.
    await runner(slow).stop();
    await append('Ticked', secondsAgo(90));
    const last = await append('Ticked', secondsAgo(60));
    await runner(fast).waitFor(last.position, { timeoutMs: 10_000 });
    const behind = await metrics();
    expect(lag(behind, fast)).toBe(0);
    // The oldest event it has not applied is the one from 90 s ago (the scrape took a moment).
    expect(lag(behind, slow)).toBeGreaterThanOrEqual(90);
    expect(lag(behind, slow)).toBeLessThan(150);

    await runner(slow).start();
    await runner(slow).waitFor(last.position, { timeoutMs: 10_000 });
    const again = await metrics();
    expect(lag(again, fast)).toBe(0);
    expect(lag(again, slow)).toBe(0);
  });

  it('the relay’s lag counts only the event types it publishes', async () => {
    const before = sample(await metrics(), 'switchyard_kafka_relay_lag_seconds');
    expect(before).toBeGreaterThanOrEqual(300);
    const [relayed] = await store.readAll({ eventTypes: ['Relayed'] });
    relay.checkpoint = relayed!.position;
    // Later events of other types exist, and are not the relay's to publish.
    expect(await store.readAll({ after: relayed!.position, maxCount: 1 })).toHaveLength(1);
    expect(sample(await metrics(), 'switchyard_kafka_relay_lag_seconds')).toBe(0);
  });

  it('process metrics as switchyard_projector_*, and the projector’s own series only', async () => {
    const text = await metrics();
    expect(text).toContain('# TYPE switchyard_projector_process_cpu_user_seconds_total counter');
    expect(text).toMatch(/^switchyard_projector_nodejs_eventloop_lag_seconds /m);
    expect(text).not.toContain('llm_');
    expect(text).not.toContain(TOKEN);
  });

  it('GET /health is 200 without credentials; other paths 404, other methods 405', async () => {
    const health = await scrape(undefined, '/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const missing = await scrape(`Bearer ${TOKEN}`, '/other');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const post = await scrape(`Bearer ${TOKEN}`, '/metrics', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('without METRICS_TOKEN every scrape is refused, whatever is sent', async () => {
    const closed = await startMetricsServer({
      registry: createProjectorRegistry({ eventStore: store, projections: group.runners, logger }),
      host: '127.0.0.1',
      port: 0,
      logger,
    });
    try {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: `Bearer ${TOKEN}` },
        { authorization: 'Bearer ' },
      ];
      for (const headers of attempts) {
        const res = await fetch(`${closed.url}/metrics`, { headers });
        expect({ headers, status: res.status }).toEqual({ headers, status: 401 });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    } finally {
      await closed.close();
    }
  });

  it('without a relay, its series is not there (no 0 for a relay that does not run)', async () => {
    const registry = createProjectorRegistry({ eventStore: store, projections: group.runners, logger });
    const text = await registry.metrics();
    expect(text).not.toContain('switchyard_kafka_relay_lag_seconds');
    expect(lag(text, fast)).toBe(0);
  });
});
