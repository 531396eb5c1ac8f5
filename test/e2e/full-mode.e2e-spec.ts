import request from 'supertest';
import { ProjectionRunnerGroup } from '@gw/projections';
import { announceSkip } from '@gw/shared-kernel/testing';
import { readModelProjections } from '@gw/platform';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const url = process.env.DATABASE_URL;
if (!url)
  announceSkip(
    'full-mode e2e skipped: DATABASE_URL is not set (it needs PostgreSQL shared by two processes)',
  );

/**
 * Full mode on PostgreSQL: the gateway does not project (PROJECTIONS=off); a separate projector —
 * the same runner group apps/projector starts — fills the read models the gateway's queries read.
 */
(url ? describe : describe.skip)(
  'full mode: gateway with PROJECTIONS=off and a separate projector (postgres)',
  () => {
    let gw: TestGateway;
    let projector: ProjectionRunnerGroup | undefined;
    beforeAll(async () => {
      gw = await startTestGateway('postgres', { PROJECTIONS: 'off' });
    });
    afterAll(async () => {
      await projector?.stop();
      await gw?.close();
    });

    it('usage appears only once the projector runs, then stays current', async () => {
      const chat = () =>
        request(gw.baseUrl)
          .post('/v1/chat/completions')
          .set('authorization', `Bearer ${gw.userKey}`)
          .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })
          .expect(200);
      const usage = async () =>
        (await request(gw.baseUrl).get('/api/v1/me/usage').set('authorization', `Bearer ${gw.userKey}`))
          .body as {
          requests: number;
        };
      expect(gw.gateway.runtime.projections).toBeNull();
      await chat();
      await new Promise((r) => setTimeout(r, 300));
      expect((await usage()).requests).toBe(0);

      const { eventStore, knex, logger } = gw.gateway.runtime;
      projector = new ProjectionRunnerGroup(readModelProjections, { eventStore, db: knex, logger });
      await projector.start();
      await projector.waitForHead({ timeoutMs: 10_000 });
      expect((await usage()).requests).toBe(1);

      await chat();
      const head = await eventStore.headPosition();
      await projector.waitFor(head!, { timeoutMs: 10_000 });
      expect((await usage()).requests).toBe(2);
    });
  },
);
