import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describeBackends('admin catalog: a model’s price versions', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend);
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
    delete: (path: string) => request(gw.baseUrl).delete(path).set('authorization', `Bearer ${key}`),
  });
  const admin = () => as(gw.adminKey);
  // A model id with a slash: the routes take it as %2F.
  const path = `/api/v1/admin/models/mock-swift/${encodeURIComponent('lab/rocket-1')}`;

  it('lists the prices a model was added with as version 1, each price change as the next, with who and when', async () => {
    await admin()
      .post('/api/v1/admin/models')
      .send({
        provider: 'mock-swift',
        model: 'lab/rocket-1',
        displayName: 'Rocket 1',
        prices: {
          inputPerMillionMicros: '1000000',
          outputPerMillionMicros: '4000000',
          perRequestMicros: '5000',
        },
        contextWindow: 64_000,
        maxOutputTokens: 4_096,
      })
      .expect(201);
    const first = await admin().get(`${path}/prices`).expect(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0]).toMatchObject({
      version: 1,
      prices: {
        inputPerMillionMicros: '1000000',
        outputPerMillionMicros: '4000000',
        cachedInputPerMillionMicros: '1000000',
        perRequestMicros: '5000',
        longContext: null,
      },
    });
    const me = await admin().get('/api/v1/me').expect(200);
    expect(first.body.data[0]).toMatchObject({ changedBy: me.body.id, changedByName: me.body.name });

    // A change that is not a price adds no version; a price change does.
    await admin().put(path).send({ displayName: 'Rocket One' }).expect(200);
    const changed = await admin()
      .put(path)
      .send({ prices: { inputPerMillionMicros: '1250000', outputPerMillionMicros: '4000000' } })
      .expect(200);
    expect(changed.body.priceVersion).toBe(2);

    const { body } = await admin().get(`${path}/prices`).expect(200);
    expect(body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(body.data[1].prices).toMatchObject({ inputPerMillionMicros: '1250000', perRequestMicros: '0' });
    expect(body.data[0].prices.inputPerMillionMicros).toBe('1000000');
    expect(Date.parse(body.data[1].changedAt)).toBeGreaterThanOrEqual(Date.parse(body.data[0].changedAt));
  });

  it('starts over when a model is removed and added again (as its priceVersion does)', async () => {
    await admin().delete(path).expect(204);
    await admin().get(`${path}/prices`).expect(404);
    await admin()
      .post('/api/v1/admin/models')
      .send({
        provider: 'mock-swift',
        model: 'lab/rocket-1',
        prices: { inputPerMillionMicros: '2000000', outputPerMillionMicros: '8000000' },
        contextWindow: 64_000,
        maxOutputTokens: 4_096,
      })
      .expect(201);
    const { body } = await admin().get(`${path}/prices`).expect(200);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ version: 1, prices: { inputPerMillionMicros: '2000000' } });
  });

  it('lists the seed’s prices for a seeded model (by system:seed)', async () => {
    const { body } = await admin().get('/api/v1/admin/models/mock-swift/swift-mini/prices').expect(200);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ version: 1, changedBy: 'system:seed', changedByName: null });
  });

  it('answers 404 for an unknown model and is for admins only', async () => {
    const unknown = await admin().get('/api/v1/admin/models/mock-swift/nope/prices').expect(404);
    expect(unknown.body.code).toBe('CATALOG.MODEL_NOT_FOUND');
    await as(gw.userKey).get(`${path}/prices`).expect(403);
  });
});
