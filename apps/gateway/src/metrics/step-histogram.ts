import type { Metric } from 'prom-client';

/** One sample as prom-client's registry formats it. */
export interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName: string;
}

/** One labelled series of a StepHistogram: what the hot path holds and observes into. */
export interface StepSeries {
  observe(seconds: number): void;
}

/** Per label value: counts per bucket (not cumulative; the last slot is +Inf), their sum and count. */
class Accumulator implements StepSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly buckets: readonly number[]) {
    this.counts = new Float64Array(buckets.length + 1);
  }

  observe(seconds: number): void {
    const { buckets } = this;
    let i = 0;
    while (i < buckets.length && seconds > buckets[i]!) i++;
    this.counts[i]! += 1;
    this.sum += seconds;
    this.count += 1;
  }
}

/**
 * A Prometheus histogram with one label whose values are all known at start (the chat path's
 * steps), kept in typed arrays and turned into prom-client's form only when scraped: an observation
 * is a bucket search and three additions, with no label lookup, hashing or allocation (a prom-client
 * Histogram child validates and hashes its labels on every observe, about 15 times the cost here).
 * Exposed exactly like a prom-client Histogram (`_bucket{le,…}` cumulative, `+Inf`, `_sum`, `_count`),
 * every series from zero.
 */
export class StepHistogram<S extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** The series by label value, for the hot path to bind once. */
  readonly series: Readonly<Record<S, StepSeries>>;
  private readonly accumulators: ReadonlyArray<readonly [S, Accumulator]>;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly label: string,
    values: readonly S[],
    private readonly buckets: readonly number[],
  ) {
    this.accumulators = values.map((value) => [value, new Accumulator(buckets)] as const);
    const series = {} as Record<S, StepSeries>;
    for (const [value, acc] of this.accumulators) series[value] = acc;
    this.series = series;
  }

  /** Registers it where prom-client's metrics are (a collector with prom-client's `get`). */
  registerIn(registry: { registerMetric(metric: Metric): void }): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  /** What prom-client's registry asks every metric for when scraped. */
  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: Sample[];
  }> {
    const values: Sample[] = [];
    for (const [value, acc] of this.accumulators) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += acc.counts[i]!;
        values.push({
          labels: { le: this.buckets[i]!, [this.label]: value },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({
        labels: { le: '+Inf', [this.label]: value },
        value: acc.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: { [this.label]: value }, value: acc.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [this.label]: value }, value: acc.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  reset(): void {
    for (const [, acc] of this.accumulators) {
      acc.counts.fill(0);
      acc.sum = 0;
      acc.count = 0;
    }
  }
}
