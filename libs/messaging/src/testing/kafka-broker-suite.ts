import { describeIf } from '@gw/shared-kernel/testing';

/** The brokers of a reachable Kafka (KAFKA_BROKERS=host:port,…), or undefined. */
export const kafkaBrokers = (): string[] | undefined =>
  process.env.KAFKA_BROKERS ? process.env.KAFKA_BROKERS.split(',').map((b) => b.trim()) : undefined;

/**
 * A suite that needs a Kafka broker: runs when KAFKA_BROKERS is set, otherwise `describe.skip` with the
 * reason printed (docker compose up kafka; KAFKA_BROKERS=127.0.0.1:29092).
 */
export function describeKafka(title: string, fn: (brokers: string[]) => void): void {
  const brokers = kafkaBrokers();
  describeIf(
    Boolean(brokers),
    `${title}: KAFKA_BROKERS is not set (e.g. docker compose up -d kafka; KAFKA_BROKERS=127.0.0.1:29092)`,
  )(`${title} (kafka)`, () => fn(brokers ?? []));
}
