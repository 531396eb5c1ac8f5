import request from 'supertest';

/**
 * Registers, as the admin, a provider with no platform key at a fake upstream, with one cheap model
 * every power level may use: something only a user's own key (BYOK) can pay for.
 */
export async function registerKeyOnlyProvider(
  baseUrl: string,
  adminKey: string,
  provider: { slug: string; name: string; upstreamUrl: string; model: string; displayName: string },
): Promise<void> {
  const admin = (path: string) => request(baseUrl).post(path).set('authorization', `Bearer ${adminKey}`);
  await admin('/api/v1/admin/providers')
    .send({
      slug: provider.slug,
      name: provider.name,
      kind: 'openai-compatible',
      baseUrl: `${provider.upstreamUrl}/v1`,
    })
    .expect(201);
  await admin('/api/v1/admin/models')
    .send({
      provider: provider.slug,
      model: provider.model,
      displayName: provider.displayName,
      prices: { inputPerMillionMicros: '1000', outputPerMillionMicros: '2000' },
      contextWindow: 8_000,
      maxOutputTokens: 1_000,
      capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
      quality: 0.5,
      powerLevels: ['eco', 'balanced', 'precision'],
    })
    .expect(201);
}
