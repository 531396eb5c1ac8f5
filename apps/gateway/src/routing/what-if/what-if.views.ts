import type { PowerLevel, Tier } from '@gw/shared-kernel';
import type { WhatIfResult } from './aggregate';

/**
 * A what-if's answer: the range's recorded requests before (as served and charged) and after (replayed
 * under the draft), money as decimal strings of integer micro-dollars. `after.byProvider`/`byModel`
 * leave out requests nothing could serve under the draft (`changed.noCandidate`); `changed.overCap`
 * counts requests whose after-charge takes their user past their monthly cap (the caps as they are
 * now) in that UTC month; `sample` holds up to 20 changed requests with the draft's ranking.
 */
export type WhatIfResultView = WhatIfResult;

/** What the job replays: the request's range and switches, defaults filled in. */
export interface WhatIfRequestView {
  readonly from: string;
  readonly to: string;
  /** Every matched request replayed at this level; null: each at its own. */
  readonly powerLevel: PowerLevel | null;
  readonly filters: {
    readonly userId?: string;
    readonly tier?: Tier;
    readonly model?: string;
  };
  /** `then`: each request's catalog and prices as they were; `now`: the current ones. */
  readonly catalog: 'then' | 'now';
  /** `then`: the billing policy each request was charged under; `now`: the current one. */
  readonly billing: 'then' | 'now';
}

/** A what-if job (POST answers it, GET …/what-if/{id} polls it, DELETE cancels it). */
export interface WhatIfJobView {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed' | 'cancelled';
  /** How far through the range, 0–100 (an estimate by time; 100 once done). */
  readonly percent: number;
  /** Requests replayed so far. */
  readonly processed: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly request: WhatIfRequestView;
  /** Once `done`. */
  readonly result: WhatIfResultView | null;
  /** Why it failed or was cancelled. */
  readonly error: string | null;
}

/**
 * GET /api/v1/me/what-if: the caller's own requests of the last `days` days, replayed at `powerLevel`
 * under the routing policy in force (each request's catalog, prices and billing policy as they were).
 */
export interface MyWhatIfView {
  readonly powerLevel: PowerLevel;
  readonly days: number;
  /** The caller's recorded requests in the window. */
  readonly requests: number;
  /** What they were charged, micro-dollars. */
  readonly actualChargeMicros: string;
  /** What they would have been charged at `powerLevel`, micro-dollars. */
  readonly wouldChargeMicros: string;
  /** The caller's power level setting now. */
  readonly currentPowerLevel: PowerLevel;
}
