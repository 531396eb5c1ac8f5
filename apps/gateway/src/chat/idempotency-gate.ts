import { createHash } from 'node:crypto';
import type { IdempotencyStore, StoredResponse } from '@gw/platform';
import type { ErrorResponse, HasErrorResponse } from '../errors/error-response';

/** A claim lasts this long (a request still running after it is treated as dead). */
export const IDEMPOTENCY_RUNNING_TTL_MS = 15 * 60 * 1_000;
/** An answer is replayed for this long. */
export const IDEMPOTENCY_DONE_TTL_MS = 24 * 60 * 60 * 1_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

class IdempotencyError extends Error implements HasErrorResponse {
  constructor(
    private readonly status: number,
    private readonly code: string,
    message: string,
  ) {
    super(message);
  }
  toErrorResponse(): ErrorResponse {
    return {
      status: this.status,
      type: 'invalid_request_error',
      code: this.code,
      message: this.message,
      param: 'Idempotency-Key',
    };
  }
}

/** A claimed key: the request runs, then its answer is stored, or the claim freed. */
export interface IdempotentRun {
  complete(response: StoredResponse): Promise<void>;
  abandon(): Promise<void>;
}

export type IdempotencyOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'run'; readonly run: IdempotentRun }
  | { readonly kind: 'replay'; readonly response: StoredResponse };

/**
 * `Idempotency-Key` on /v1/chat/completions: the same key from the same caller within 24 h gets the
 * first request's answer (not routed, limited or charged again), a 409 while that one still runs, a
 * 422 when the body differs. Only answers are stored: a request that failed frees its key, so a retry
 * runs again.
 */
export class IdempotencyGate {
  constructor(private readonly store: IdempotencyStore) {}

  async begin(
    userId: string,
    header: string | string[] | undefined,
    body: unknown,
  ): Promise<IdempotencyOutcome> {
    if (header === undefined) return { kind: 'none' };
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !KEY.test(key))
      throw new IdempotencyError(
        400,
        'invalid_idempotency_key',
        'Idempotency-Key must be 1–255 visible ASCII characters (a UUID is a good choice)',
      );
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
    const outcome = await this.store.begin(userId, key, fingerprint, IDEMPOTENCY_RUNNING_TTL_MS);
    switch (outcome.state) {
      case 'done':
        return { kind: 'replay', response: outcome.response };
      case 'running':
        throw new IdempotencyError(
          409,
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still running: retry when it has finished to get its answer',
        );
      case 'mismatch':
        throw new IdempotencyError(
          422,
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request body: use a new key for a new request',
        );
      case 'started': {
        // Only this run may answer or free the key: one that outlived its claim was taken over.
        const { claim } = outcome;
        return {
          kind: 'run',
          run: {
            complete: (response) =>
              this.store.complete(userId, key, fingerprint, response, IDEMPOTENCY_DONE_TTL_MS, claim),
            abandon: () => this.store.abandon(userId, key, claim),
          },
        };
      }
    }
  }
}
