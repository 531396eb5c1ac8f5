import type { Logger } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '@gw/messaging';
import type { EventStore } from '@gw/eventstore';
import { measureProjectionLag, type LagSubject } from '@gw/projections';

export interface ProjectorMetricsSources {
  readonly eventStore: EventStore;
  /**
   * The projection runners (`ProjectionRunnerGroup.runners`): their names and the checkpoints they
   * hold now, read at each scrape.
   */
  readonly projections: readonly LagSubject[];
  /** The Kafka relay, when it runs (KAFKA_BROKERS set); without it the relay's series is not registered. */
  readonly relay?: LagSubject;
  /** The relay's dead letters by reason since it started (read at each scrape), when it runs. */
  readonly relayDeadLetters?: () => Readonly<Record<DeadLetterReason, number>>;
  readonly logger: Logger;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/**
 * The projector's Prometheus registry (docs/operations.md § Metrics): the lag of every projection and
 * of the Kafka relay, measured when scraped (one read of at most one event each), and prom-client's
 * process metrics as `switchyard_projector_*`. When the store cannot be read, a scrape keeps the
 * last values rather than failing as a whole (and logs why).
 */
export function createProjectorRegistry(sources: ProjectorMetricsSources): Registry {
  const registry = new Registry();
  const now = sources.now ?? Date.now;
  const measure = async (subjects: readonly LagSubject[], what: string) => {
    try {
      return await measureProjectionLag(sources.eventStore, subjects, now);
    } catch (e) {
      sources.logger.warn(
        { err: e instanceof Error ? e.message : String(e) },
        `${what} not measured: the event store could not be read; the scrape keeps the last values`,
      );
      return null;
    }
  };

  const projectionLag: Gauge<'projection'> = new Gauge({
    name: 'switchyard_projection_lag_seconds',
    help: 'Age of the oldest event not yet applied, per projection (0 when caught up); measured at scrape time',
    labelNames: ['projection'] as const,
    registers: [registry],
    collect: async () => {
      const samples = await measure(sources.projections, 'projection lag');
      for (const { projection, seconds } of samples ?? []) projectionLag.set({ projection }, seconds);
    },
  });

  const relay = sources.relay;
  if (relay) {
    const relayLag: Gauge = new Gauge({
      name: 'switchyard_kafka_relay_lag_seconds',
      help: 'Age of the oldest event of a published type the Kafka relay has not published yet (0 when caught up); measured at scrape time',
      registers: [registry],
      collect: async () => {
        const [sample] = (await measure([relay], 'kafka relay lag')) ?? [];
        if (sample) relayLag.set(sample.seconds);
      },
    });
  }

  const deadLetters = sources.relayDeadLetters;
  if (deadLetters) {
    const counter: Counter<'reason'> = new Counter({
      name: 'switchyard_relay_dead_letters_total',
      help: 'Events the Kafka relay published as a notice on switchyard.deadletter.v1 instead of themselves, by reason (unserializable, too_large, refused_too_large)',
      labelNames: ['reason'] as const,
      registers: [registry],
      collect: () => {
        const counts = deadLetters();
        counter.reset();
        for (const reason of DEAD_LETTER_REASONS) counter.inc({ reason }, counts[reason]);
      },
    });
  }

  collectDefaultMetrics({ register: registry, prefix: 'switchyard_projector_' });
  return registry;
}
