import { Histogram, Registry } from 'prom-client';
import { StepHistogram } from './step-histogram';

const BUCKETS = [0.00005, 0.001, 0.25, 10];
const OBSERVED: ReadonlyArray<readonly ['a' | 'b', number]> = [
  ['a', 0.00005], // on a bound: that bucket (le is "at most")
  ['a', 0.0002],
  ['a', 42], // above the last bound: +Inf only
  ['b', 0.3],
];

describe('StepHistogram', () => {
  it('scrapes exactly as a prom-client Histogram with the same observations (every series from zero)', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const step = new StepHistogram('t_step_seconds', 'help', 'step', ['a', 'b', 'c'], BUCKETS).registerIn(
      ours,
    );
    const reference = new Histogram({
      name: 't_step_seconds',
      help: 'help',
      labelNames: ['step'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    for (const s of ['a', 'b', 'c']) reference.zero({ step: s });
    for (const [s, v] of OBSERVED) {
      step.series[s].observe(v);
      reference.observe({ step: s }, v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toContain('t_step_seconds_bucket{le="0.00005",step="a"} 1');
    expect(await ours.metrics()).toContain('t_step_seconds_bucket{le="+Inf",step="a"} 3');
    expect(await ours.metrics()).toContain('t_step_seconds_count{step="c"} 0');
  });

  it('reset (the registry’s resetMetrics) starts every series from zero again', async () => {
    const registry = new Registry();
    const step = new StepHistogram('t_step_seconds', 'help', 'step', ['a'], BUCKETS).registerIn(registry);
    step.series.a.observe(1);
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('t_step_seconds_count{step="a"} 0');
    expect(await registry.metrics()).toContain('t_step_seconds_sum{step="a"} 0');
  });
});
