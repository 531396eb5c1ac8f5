import { randomUUID } from 'node:crypto';
import request from 'supertest';

/** A new account of `tier` made by the admin, with a gateway key of its own. */
export async function newUser(
  baseUrl: string,
  adminKey: string,
  tier: string,
  name = `user ${randomUUID().slice(0, 8)}`,
): Promise<{ id: string; apiKey: string }> {
  const created = await request(baseUrl)
    .post('/api/v1/admin/users')
    .set('authorization', `Bearer ${adminKey}`)
    .send({ name, tier })
    .expect(201);
  const key = await request(baseUrl)
    .post(`/api/v1/admin/users/${created.body.id}/api-keys`)
    .set('authorization', `Bearer ${adminKey}`)
    .send({ name: 'k' })
    .expect(201);
  return { id: created.body.id as string, apiKey: key.body.apiKey as string };
}
