import { buildRoutingSnapshot, CATALOG_EVENT_TYPES, CatalogView, type ProviderEntry } from '@gw/catalog';
import { scanLog, type EventStore } from '@gw/eventstore';
import {
  DEFAULT_ROUTING_POLICY,
  policyFromEvent,
  ROUTING_POLICY_LIMITS,
  type RoutingPolicy,
  type RoutingPolicyChanged,
} from '@gw/routing';
import type { PowerLevel, RecordedEvent, Tier } from '@gw/shared-kernel';
import {
  billingPolicyFromData,
  DEFAULT_BILLING_POLICY,
  type BillingPolicy,
  type BillingPolicyChanged,
} from '@gw/usage-billing';
import type { ReplayCatalog, ReplayContext } from './replay';
import {
  emptyFold,
  foldRequestEvent,
  isFinished,
  recordedRequestOf,
  REPLAY_REQUEST_EVENT_TYPES,
  type RecordedRequest,
  type RequestFold,
} from './replay-input';

/** A recorded request and the catalog as it was when it was routed. */
export interface LoadedRequest {
  readonly recorded: RecordedRequest;
  readonly catalog: ReplayCatalog;
}

export interface WhatIfProgress {
  /** Events read so far (request, catalog and policy events). */
  readonly events: number;
  /** Recorded requests yielded so far. */
  readonly requests: number;
  /** How far the scan is through the log's time up to `to`, 0–100 (an estimate: the log is in commit order). */
  readonly percent: number;
}

export interface WhatIfLoadOptions {
  /** Requests routed at or after `from` and at or before `to`. */
  readonly from: Date;
  readonly to: Date;
  /** Requests per yielded batch. Default 1,000. */
  readonly batchSize?: number;
  /**
   * Log entries per read. Default 5,000. (A Postgres or PGlite store looks at that many entries of any
   * type per read; other stores return that many events of the loader's types: see `scanLog`.)
   */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: WhatIfProgress) => void;
  /** Only requests it accepts are yielded (user, tier, model filters). */
  readonly filter?: (recorded: RecordedRequest) => boolean;
}

/**
 * The routing and billing policies' versions and the last catalog seen, filled in as the loader reads
 * the log: a request's policyVersion and billingPolicyVersion are always known by the time it is
 * yielded (a policy is written before the requests that use it).
 */
export class WhatIfHistory {
  private readonly routing = new Map<number, RoutingPolicy>([[0, DEFAULT_ROUTING_POLICY]]);
  private readonly billing = new Map<number, BillingPolicy>([[0, DEFAULT_BILLING_POLICY]]);
  private lastRouting = 0;
  private lastBilling = 0;
  readonly catalogView = new CatalogView();
  private catalog: ReplayCatalog | undefined;
  private catalogAt = -1;

  /** Applies a catalog or policy event; false for any other. */
  apply(event: RecordedEvent): boolean {
    if (event.type === 'RoutingPolicyChanged') {
      const data = (event as RecordedEvent<'RoutingPolicyChanged', RoutingPolicyChanged['data']>).data;
      this.routing.set(data.version, policyFromEvent(data));
      this.lastRouting = Math.max(this.lastRouting, data.version);
      return true;
    }
    if (event.type === 'BillingPolicyChanged') {
      const data = (event as RecordedEvent<'BillingPolicyChanged', BillingPolicyChanged['data']>).data;
      this.billing.set(data.version, billingPolicyFromData(data.policy));
      this.lastBilling = Math.max(this.lastBilling, data.version);
      return true;
    }
    return this.catalogView.apply(event);
  }

  /** The routing policy of a version (unknown: the latest read). */
  routingPolicy(version: number): RoutingPolicy {
    return this.routing.get(version) ?? this.routing.get(this.lastRouting)!;
  }

  /** The billing policy of a version (absent or unknown: the latest read). */
  billingPolicy(version?: number): BillingPolicy {
    return (version !== undefined && this.billing.get(version)) || this.billing.get(this.lastBilling)!;
  }

  get latestRoutingVersion(): number {
    return this.lastRouting;
  }

  get latestBillingVersion(): number {
    return this.lastBilling;
  }

  /** The catalog as the events read so far make it (one object per catalog change, shared). */
  currentCatalog(): ReplayCatalog {
    if (!this.catalog || this.catalogAt !== this.catalogView.changeCount) {
      this.catalog = replayCatalogOf(this.catalogView);
      this.catalogAt = this.catalogView.changeCount;
    }
    return this.catalog;
  }
}

/**
 * What the routing snapshot held for a catalog: a provider served when enabled and it has a platform
 * key or needs none; an enabled one that needs a key and has none served its callers' own keys only.
 * (Whether its address resolved on the gateway then is not in the log: every provider is taken as
 * reachable; the recorded candidates tell the replay which models were left out.)
 */
export function replayCatalogOf(view: CatalogView): ReplayCatalog {
  const snapshot = buildRoutingSnapshot(view, {
    baseUrl: (p: ProviderEntry) => `replay://${p.spec.slug}`,
    // Only whether one exists matters here: never a key.
    apiKey: (slug) => (view.provider(slug)?.platformKey ? 'present' : undefined),
  });
  return { models: snapshot.models, keyOnly: snapshot.keyOnly?.models ?? new Map() };
}

/** Folded into the history: read whole (the catalog view needs each event's stream revision). */
const HISTORY_EVENT_TYPES: readonly string[] = [
  ...CATALOG_EVENT_TYPES,
  'RoutingPolicyChanged',
  'BillingPolicyChanged',
];

const LOADER_EVENT_TYPES: readonly string[] = [...REPLAY_REQUEST_EVENT_TYPES, ...HISTORY_EVENT_TYPES];

/** How long after `to` a request routed before it may still record its outcome (the longest deadline). */
const FINISH_GRACE_MS = ROUTING_POLICY_LIMITS.requestDeadlineMs.max;

/**
 * Reads the recorded requests routed in [from, to] from the event store, with the catalog and the
 * policies folded alongside in log order (each request keeps the catalog of the time it was routed),
 * and yields them in batches as they finish (UsageRecorded or RequestFailed; those still open when
 * the scan ends come last, as `unfinished`). Nothing is written.
 *
 * Cost: the log is read from its start with `scanLog` (request, catalog and policy events only), in
 * pages of `pageSize` entries: the catalog and the policies must be folded from the start anyway, and
 * the port has no way to seek to a time (positions are commit order, not dense). On Postgres and
 * PGlite a page is one query answering one row: the next `pageSize` entries by the log's position
 * index, whatever their type, with the request events among them as type, time and payload only
 * (catalog and policy events whole) aggregated into one JSON text. 100,000 requests (300,000
 * entries) load in ~2.5–3.3 s on PGlite and ~4.5–5.4 s on PostgreSQL (a type-filtered readAll took
 * 105 s and 16.6 s: docs/benchmarks.md, "What-if at 100k"). Other stores are read through readAll
 * with the type filter. Requests before `from` are read and dropped; reading stops once the log
 * passes `to` and every request routed in range has finished (at most 30 minutes, the longest
 * request deadline, past `to`). A later improvement is a small index of the first position per day,
 * to start the request scan there.
 */
export async function* loadRecordedRequests(
  store: EventStore,
  options: WhatIfLoadOptions,
  history: WhatIfHistory = new WhatIfHistory(),
): AsyncGenerator<LoadedRequest[]> {
  const fromMs = options.from.getTime();
  const toMs = options.to.getTime();
  const batchSize = options.batchSize ?? 1_000;
  const pageSize = options.pageSize ?? 5_000;
  const pending = new Map<string, { fold: RequestFold; catalog: ReplayCatalog }>();
  let batch: LoadedRequest[] = [];
  let events = 0;
  let requests = 0;
  let startMs: number | undefined;
  let lastMs = 0;
  let admitting = true;
  let after: RecordedEvent['position'] | undefined;

  const finish = (entry: { fold: RequestFold; catalog: ReplayCatalog }): void => {
    const recorded = recordedRequestOf(entry.fold);
    if (!recorded || (options.filter && !options.filter(recorded))) return;
    batch.push({ recorded, catalog: entry.catalog });
    requests++;
  };
  const progress = (): void =>
    options.onProgress?.({
      events,
      requests,
      percent:
        startMs === undefined || toMs <= startMs
          ? 100
          : Math.max(0, Math.min(100, Math.round(((lastMs - startMs) / (toMs - startMs)) * 1000) / 10)),
    });

  for (;;) {
    options.signal?.throwIfAborted();
    const page = await scanLog(store, {
      ...(after && { after }),
      scanCount: pageSize,
      eventTypes: LOADER_EVENT_TYPES,
      wholeTypes: HISTORY_EVENT_TYPES,
    });
    after = page.last ?? after;
    let done = false;
    for (const event of page.events) {
      events++;
      const atMs = event.occurredAt.getTime();
      startMs ??= atMs;
      lastMs = Math.max(lastMs, atMs);
      if (!admitting && (pending.size === 0 || atMs > toMs + FINISH_GRACE_MS)) {
        done = true;
        break;
      }
      if (event.event && history.apply(event.event)) continue;
      const requestId = (event.data as { requestId: string }).requestId;
      if (event.type === 'RequestRouted') {
        const routedMs = Date.parse((event.data as { routedAt: string }).routedAt);
        if (routedMs > toMs) admitting = false;
        if (routedMs < fromMs || routedMs > toMs) continue;
        pending.set(requestId, {
          fold: foldRequestEvent(emptyFold(), event),
          catalog: history.currentCatalog(),
        });
        continue;
      }
      const entry = pending.get(requestId);
      if (!entry) continue;
      foldRequestEvent(entry.fold, event);
      if (isFinished(entry.fold)) {
        pending.delete(requestId);
        finish(entry);
      }
    }
    progress();
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
    if (done || page.end) break;
  }
  options.signal?.throwIfAborted();
  for (const entry of pending.values()) finish(entry);
  pending.clear();
  lastMs = Math.max(lastMs, toMs);
  progress();
  if (batch.length > 0) yield batch;
}

export interface WhatIfDraft {
  readonly policy: RoutingPolicy;
  readonly powerLevel?: PowerLevel;
  /** Replay against the catalog and prices as they are now (`current`) instead of as they were. */
  readonly catalogNow?: ReplayCatalog;
  /** Charge under the latest billing policy instead of the one each request was charged under. */
  readonly billingNow?: boolean;
  readonly defaultTier?: Tier;
}

/** The replay context of a loaded request under a draft. */
export const contextFor = (
  loaded: LoadedRequest,
  history: WhatIfHistory,
  draft: WhatIfDraft,
): ReplayContext => ({
  catalog: draft.catalogNow ?? loaded.catalog,
  policy: draft.policy,
  recordedPolicy: history.routingPolicy(loaded.recorded.policyVersion),
  billing: draft.billingNow
    ? history.billingPolicy(history.latestBillingVersion)
    : history.billingPolicy(loaded.recorded.billingPolicyVersion),
  ...(draft.powerLevel && { powerLevel: draft.powerLevel }),
  ...(draft.defaultTier && { defaultTier: draft.defaultTier }),
});
