import { CHAT_STEPS, type ChatStep, type ChatStepSeries } from '../../metrics/gateway-metrics';
import { StepTimer } from './step-timer';

/** Series that remember what each step observed. */
function recordingSeries() {
  const seen: Array<[ChatStep, number]> = [];
  const series = Object.fromEntries(
    CHAT_STEPS.map((step) => [step, { observe: (v: number) => seen.push([step, v]) }]),
  ) as unknown as ChatStepSeries;
  return { series, seen };
}

describe('StepTimer', () => {
  let now = 0;
  beforeEach(() => {
    now = 1_000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('given a clock started at 1 s, each lap observes the seconds since the previous lap and returns now', () => {
    const { series, seen } = recordingSeries();
    const timer = new StepTimer(series, 1_000);
    now = 1_002;
    expect(timer.lap('plan')).toBe(1_002);
    now = 1_052;
    timer.lap('attempt');
    expect(seen).toEqual([
      ['plan', 0.002],
      ['attempt', 0.05],
    ]);
  });

  it('a split observes nothing; its milliseconds carried into a later lap count once, the stretch between not at all', () => {
    const { series, seen } = recordingSeries();
    const timer = new StepTimer(series, 1_000);
    now = 1_010; // piping a stream: 10 ms
    const piped = timer.split();
    now = 1_040; // settling: 30 ms
    timer.lap('settle');
    now = 1_045; // the stream's end: 5 ms
    timer.lap('respond', piped);
    expect(piped).toBe(10);
    expect(seen).toEqual([
      ['settle', 0.03],
      ['respond', 0.015],
    ]);
  });

  it('without a start, it starts when made', () => {
    const { series, seen } = recordingSeries();
    const timer = new StepTimer(series);
    now = 1_001;
    timer.lap('validate');
    expect(seen).toEqual([['validate', 0.001]]);
  });
});
