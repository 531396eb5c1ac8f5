import type { LagoEvent } from './usage-ledger';

export interface LagoSettings {
  /** e.g. https://api.getlago.com (the path /api/v1/events is appended). */
  readonly apiUrl: string;
  readonly apiKey: string;
  /** The billable metric's code. Default `llm_usage`. */
  readonly metricCode: string;
}

/** How Lago answered: taken (also: it already had this transaction id), refused for good, or not now. */
export type LagoOutcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string }
  | { readonly kind: 'retry'; readonly reason: string };

/** Sends one usage event to Lago's events API. Never logs or returns the API key. */
export class LagoClient {
  private readonly url: string;

  constructor(private readonly settings: LagoSettings) {
    this.url = `${settings.apiUrl.replace(/\/+$/, '')}/api/v1/events`;
  }

  get metricCode(): string {
    return this.settings.metricCode;
  }

  async send(event: LagoEvent, signal?: AbortSignal): Promise<LagoOutcome> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.settings.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(10_000)]) : AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return { kind: 'retry', reason: error instanceof Error ? error.name : 'network error' };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { kind: 'sent' };
    // Older Lago answers a transaction id it already has with 422 value_already_exist: it has the event.
    if (response.status === 422 && /transaction_id/.test(text) && /value_already_exist/.test(text))
      return { kind: 'sent' };
    if (response.status === 429 || response.status >= 500)
      return { kind: 'retry', reason: `HTTP ${response.status}` };
    return { kind: 'rejected', status: response.status, reason: lagoErrorCode(text) };
  }
}

/** Lago's error code (`{"status":422,"error":"Unprocessable Entity","code":"validation_errors"}`), never its text. */
const lagoErrorCode = (text: string): string => {
  try {
    const body = JSON.parse(text) as { code?: unknown; error?: unknown };
    if (typeof body.code === 'string') return body.code.slice(0, 100);
  } catch {
    // not JSON
  }
  return 'unknown';
};
