import request from 'supertest';
import { describePostgres } from '@gw/database/testing';
import { describeProjection, readProjectionCheckpoint } from '@gw/projections';
import { toRequestStreamId, type UsageRecorded } from '@gw/routing';
import { comparePositions, positionToString } from '@gw/shared-kernel';
import { eventually } from '@gw/shared-kernel/testing';
import { usageTotalsByUserProjection } from '@gw/usage-billing';
import { buildGateway, type BuiltGateway } from './support/gateway-process';
import {
  projectorMainBesides,
  startProjectorProcess,
  type ProjectorProcess,
} from './support/projector-process';
import { startTestGateway, type TestGateway } from './support/test-gateway';

interface Usage {
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** How the projector names it in its log lines ("usage-totals-by-user@v1"). */
const USAGE_PROJECTION = describeProjection(usageTotalsByUserProjection);

/**
 * Full mode on PostgreSQL: the gateway does not project (PROJECTIONS=off); `apps/projector`, built and
 * started as its own process against the gateway's database schema, fills the read models that the
 * gateway's queries read.
 */
describePostgres(
  'full mode: gateway with PROJECTIONS=off, apps/projector as a second process',
  () => {
    let gw: TestGateway;
    let built: BuiltGateway;
    let projectorEnv: Record<string, string>;
    const projectors: ProjectorProcess[] = [];
    /** Request ids answered 200, with the tokens their UsageRecorded carries. */
    const answered: { id: string; usage: UsageRecorded['data'] }[] = [];

    beforeAll(async () => {
      built = await buildGateway();
      gw = await startTestGateway('postgres', { PROJECTIONS: 'off' });
      const { database } = gw.gateway.runtime.config;
      if (database.kind !== 'postgres' || !database.schema) throw new Error('expected a PostgreSQL schema');
      projectorEnv = {
        DATABASE_URL: database.url,
        DATABASE_SCHEMA: database.schema,
        LOG_LEVEL: 'info',
        METRICS_PORT: '0',
      };
    });
    afterAll(async () => {
      for (const p of projectors) await p.kill('SIGKILL');
      await gw?.close();
      await built?.remove();
    });

    const startProjector = async (): Promise<ProjectorProcess> => {
      const projector = await startProjectorProcess(projectorMainBesides(built.main), projectorEnv);
      projectors.push(projector);
      return projector;
    };

    /** One chat request; resolves once its events are read back from the store (committed, strict). */
    const chat = async (): Promise<void> => {
      const res = await request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })
        .expect(200);
      const id = String(res.headers['x-switchyard-request-id']);
      const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id));
      const recorded = events.find((e) => e.type === 'UsageRecorded');
      if (!recorded) throw new Error(`request ${id} answered 200 without a committed UsageRecorded`);
      answered.push({ id, usage: recorded.data as UsageRecorded['data'] });
    };

    /** Every event the gateway wrote is visible to readers of the log (what a projector reads). */
    const ownWritesVisible = async (): Promise<void> => {
      const own = gw.gateway.runtime.writer.lastWritten();
      if (!own) throw new Error('the gateway wrote nothing');
      await eventually(
        async () => {
          const head = await gw.gateway.runtime.eventStore.headPosition();
          return head && comparePositions(head, own) >= 0 ? true : undefined;
        },
        10_000,
        "the gateway's own writes to be visible in the log",
      );
    };

    const usage = async (): Promise<Usage> => {
      const res = await request(gw.baseUrl)
        .get('/api/v1/me/usage')
        .set('authorization', `Bearer ${gw.userKey}`)
        .expect(200);
      return res.body as Usage;
    };

    /** What the read model must say once it has every answered request, each counted once. */
    const expected = (): Usage => ({
      requests: answered.length,
      promptTokens: answered.reduce((sum, a) => sum + a.usage.promptTokens, 0),
      completionTokens: answered.reduce((sum, a) => sum + a.usage.completionTokens, 0),
    });

    const usageReaches = (requests: number): Promise<Usage> =>
      eventually(
        async () => {
          const u = await usage();
          return u.requests >= requests ? u : undefined;
        },
        20_000,
        `${requests} requests in GET /api/v1/me/usage`,
        25,
      );

    /** The usage projection's checkpoint as the projector logs it, read from its table. */
    const storedCheckpoint = async (): Promise<string | null> => {
      const position = await readProjectionCheckpoint(gw.gateway.runtime.knex, usageTotalsByUserProjection);
      return position ? positionToString(position) : null;
    };

    const startedFrom = (projector: ProjectorProcess) =>
      projector.logs().find((l) => l.projection === USAGE_PROJECTION && l.msg === 'projection started');

    it('usage appears only once the projector process runs, stays current, and survives its restart', async () => {
      expect(gw.gateway.runtime.projections).toBeNull();

      // Before any projector: the request is committed and readable in the log, and still not counted.
      await chat();
      await ownWritesVisible();
      expect(await usage()).toMatchObject({ requests: 0, promptTokens: 0, completionTokens: 0 });
      expect(await storedCheckpoint()).toBeNull();

      // The projector process catches up from the beginning of the log.
      const first = await startProjector();
      expect(startedFrom(first)).toMatchObject({ checkpoint: null });
      expect(await usageReaches(1)).toMatchObject(expected());

      // Live: more requests keep the read model current.
      await chat();
      await chat();
      expect(await usageReaches(3)).toMatchObject(expected());

      // A crash: requests made while it is down wait in the log, uncounted.
      await first.kill('SIGKILL');
      const checkpoint = await storedCheckpoint();
      expect(checkpoint).not.toBeNull();
      await chat();
      await chat();
      await ownWritesVisible();
      expect((await usage()).requests).toBe(3);

      // The restarted process resumes from the stored checkpoint: every request counted exactly once.
      const second = await startProjector();
      expect(startedFrom(second)).toMatchObject({ checkpoint });
      await usageReaches(5);
      // A later request as the marker: once it is counted, anything counted twice would be too.
      await chat();
      expect(await usageReaches(6)).toMatchObject(expected());
    });
  },
  'PostgreSQL shared by the gateway and a separate projector process',
);
