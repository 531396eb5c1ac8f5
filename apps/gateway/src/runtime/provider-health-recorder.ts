import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { toProviderStreamId, type ProviderHealthEvent } from '@gw/catalog';
import { toNewEvents, type GroupCommitWriter } from '@gw/eventstore';
import { PLATFORM_CREDENTIAL, type HealthTransitionListener } from '@gw/routing';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

/**
 * Turns the platform key's circuit-breaker transitions into events on `provider-{slug}`: ProviderDegraded when a
 * provider's circuit opens, ProviderRecovered when it closes again. Written off the request path
 * (group commit); a failed write is logged, and the next transition is recorded anyway.
 */
export function providerHealthRecorder(
  writer: GroupCommitWriter,
  metrics: GatewayMetrics,
  logger: Logger,
  cooldownMs: number,
): HealthTransitionListener {
  const degradedAt = new Map<string, number>();
  return (provider, t, credential) => {
    logger.warn(
      { provider, credential, from: t.from, to: t.to, reason: t.reason, errorRate: t.errorRate },
      'provider health changed',
    );
    // The provider's own health is its platform key's; a user's key failing is that user's business.
    if (credential !== PLATFORM_CREDENTIAL) return;
    let event: ProviderHealthEvent | undefined;
    const at = new Date(t.at).toISOString();
    if (t.from === 'closed' && t.to === 'open') {
      degradedAt.set(provider, t.at);
      metrics.setProviderHealth(provider, false);
      event = {
        type: 'ProviderDegraded',
        data: {
          provider,
          reason: t.reason,
          errorRate: t.errorRate,
          consecutiveFailures: t.consecutiveFailures,
          cooldownMs,
          at,
        },
      };
    } else if (t.to === 'closed') {
      metrics.setProviderHealth(provider, true);
      event = {
        type: 'ProviderRecovered',
        data: { provider, reason: t.reason, downForMs: t.at - (degradedAt.get(provider) ?? t.at), at },
      };
      degradedAt.delete(provider);
    }
    if (!event) return;
    const events = toNewEvents(
      [event],
      { correlationId: randomUUID(), actorId: 'gateway', actorKind: 'system' },
      new Date(t.at),
    );
    writer.append({ streamId: toProviderStreamId(provider), events }).catch((e: unknown) => {
      logger.error({ provider, err: (e as Error).message }, 'could not record a provider health change');
    });
  };
}
