import type { ReplayedRequest, ReplayExplanation } from './replay';

/** One row of a breakdown: money as decimal strings of integer micro-dollars. */
export interface WhatIfBreakdownRow {
  readonly key: string;
  readonly requests: number;
  readonly costMicros: string;
  readonly chargeMicros: string;
}

export interface WhatIfSide {
  readonly costMicros: string;
  readonly chargeMicros: string;
  /** Sorted by requests, most first (then by key). The after-side leaves out requests nothing could serve. */
  readonly byProvider: WhatIfBreakdownRow[];
  readonly byModel: WhatIfBreakdownRow[];
}

/** One side of a sampled request: the model, its money (strings) and the ranking's explanation. */
export interface WhatIfSampleSide extends ReplayExplanation {
  readonly modelId: string | null;
  readonly provider: string | null;
  readonly costMicros: string;
  readonly chargeMicros: string;
}

/**
 * A changed request with both explanations: `before` as recorded (the top candidates of its
 * RequestRouted, its chain and balancing draw; the model that answered), `after` as replayed.
 */
export interface WhatIfSample {
  readonly requestId: string;
  readonly userId: string;
  readonly at: string;
  readonly before: WhatIfSampleSide;
  readonly after: WhatIfSampleSide;
}

export interface WhatIfResult {
  readonly requests: number;
  readonly before: WhatIfSide;
  readonly after: WhatIfSide;
  readonly changed: {
    readonly provider: number;
    readonly model: number;
    readonly noCandidate: number;
    /** Requests whose after-charge takes their user past the monthly cap in that UTC month. */
    readonly overCap: number;
  };
  /** Up to `sampleSize` changed requests (model, provider or no candidate), in the order replayed. */
  readonly sample: WhatIfSample[];
}

export interface AggregateOptions {
  /** A user's monthly spending cap in micro-dollars; undefined: none (overCap stays 0 without it). */
  readonly capOf?: (userId: string) => bigint | undefined;
  /** Default 20. */
  readonly sampleSize?: number;
}

interface Totals {
  requests: number;
  cost: bigint;
  charge: bigint;
}

class SideTotals {
  cost = 0n;
  charge = 0n;
  readonly byProvider = new Map<string, Totals>();
  readonly byModel = new Map<string, Totals>();

  add(provider: string | null, modelId: string | null, cost: bigint, charge: bigint): void {
    this.cost += cost;
    this.charge += charge;
    if (provider !== null) bump(this.byProvider, provider, cost, charge);
    if (modelId !== null) bump(this.byModel, modelId, cost, charge);
  }

  result(): WhatIfSide {
    return {
      costMicros: this.cost.toString(),
      chargeMicros: this.charge.toString(),
      byProvider: rows(this.byProvider),
      byModel: rows(this.byModel),
    };
  }
}

function bump(map: Map<string, Totals>, key: string, cost: bigint, charge: bigint): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = { requests: 0, cost: 0n, charge: 0n }));
  t.requests++;
  t.cost += cost;
  t.charge += charge;
}

const rows = (map: Map<string, Totals>): WhatIfBreakdownRow[] =>
  [...map]
    .map(([key, t]) => ({
      key,
      requests: t.requests,
      costMicros: t.cost.toString(),
      chargeMicros: t.charge.toString(),
    }))
    .sort((a, b) => b.requests - a.requests || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * Folds replayed requests (in time order, as the loader yields them: the monthly caps are counted as
 * charges accumulate) into the what-if answer. Add batch by batch; `result()` at any point.
 */
export class WhatIfAggregator {
  private requests = 0;
  private readonly before = new SideTotals();
  private readonly after = new SideTotals();
  private provider = 0;
  private model = 0;
  private noCandidate = 0;
  private overCap = 0;
  private readonly sample: WhatIfSample[] = [];
  /** After-charges so far per `userId month`, for users with a cap. */
  private readonly monthly = new Map<string, bigint>();
  private readonly sampleSize: number;

  constructor(private readonly options: AggregateOptions = {}) {
    this.sampleSize = options.sampleSize ?? 20;
  }

  add(r: ReplayedRequest): void {
    this.requests++;
    this.before.add(r.before.provider, r.before.modelId, r.before.costMicros, r.before.chargeMicros);
    this.after.add(r.after.provider, r.after.modelId, r.after.costMicros, r.after.chargeMicros);
    if (r.changedProvider) this.provider++;
    if (r.changedModel) this.model++;
    if (r.noCandidate) this.noCandidate++;
    if (this.options.capOf && r.after.chargeMicros > 0n) this.countCap(r, this.options.capOf);
    if ((r.changedModel || r.changedProvider || r.noCandidate) && this.sample.length < this.sampleSize)
      this.sample.push(sampleOf(r));
  }

  addAll(replayed: Iterable<ReplayedRequest>): this {
    for (const r of replayed) this.add(r);
    return this;
  }

  private countCap(r: ReplayedRequest, capOf: (userId: string) => bigint | undefined): void {
    const cap = capOf(r.userId);
    if (cap === undefined) return;
    const key = `${r.userId} ${r.at.slice(0, 7)}`;
    const total = (this.monthly.get(key) ?? 0n) + r.after.chargeMicros;
    this.monthly.set(key, total);
    if (total > cap) this.overCap++;
  }

  result(): WhatIfResult {
    return {
      requests: this.requests,
      before: this.before.result(),
      after: this.after.result(),
      changed: {
        provider: this.provider,
        model: this.model,
        noCandidate: this.noCandidate,
        overCap: this.overCap,
      },
      sample: [...this.sample],
    };
  }
}

const sideOf = (side: ReplayedRequest['before']): WhatIfSampleSide => ({
  modelId: side.modelId,
  provider: side.provider,
  costMicros: side.costMicros.toString(),
  chargeMicros: side.chargeMicros.toString(),
  candidates: side.candidates,
  ...(side.chain && { chain: side.chain }),
  ...(side.balancing && { balancing: side.balancing }),
});

const sampleOf = (r: ReplayedRequest): WhatIfSample => ({
  requestId: r.requestId,
  userId: r.userId,
  at: r.at,
  before: sideOf(r.before),
  after: sideOf(r.after),
});

/** The what-if answer of a list of replayed requests (WhatIfAggregator in one go). */
export const aggregate = (
  replayed: Iterable<ReplayedRequest>,
  options: AggregateOptions = {},
): WhatIfResult => new WhatIfAggregator(options).addAll(replayed).result();
