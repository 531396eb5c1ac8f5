import type { ChatStep, ChatStepSeries } from '../../metrics/gateway-metrics';

/**
 * One request's clock through the chat pipeline (switchyard_chat_step_seconds): each lap observes the
 * time since the previous lap as one step's and starts the next. One object per request and a
 * performance.now() per step; the histogram's children are bound once (GatewayMetrics.chatSteps).
 */
export class StepTimer {
  constructor(
    private readonly series: ChatStepSeries,
    private at: number = performance.now(),
  ) {}

  /** Ends `step` now: observes the time since the last lap or split, plus `carriedMs`; returns now. */
  lap(step: ChatStep, carriedMs = 0): number {
    const now = performance.now();
    this.series[step].observe((now - this.at + carriedMs) / 1000);
    this.at = now;
    return now;
  }

  /**
   * Ends a stretch of a step that resumes later (a stream's respond, around its settle and record):
   * its milliseconds, carried into that step's lap; nothing is observed yet.
   */
  split(): number {
    const now = performance.now();
    const ms = now - this.at;
    this.at = now;
    return ms;
  }
}
