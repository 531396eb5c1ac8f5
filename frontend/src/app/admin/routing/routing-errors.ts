import { computed, inject, Injectable, signal } from '@angular/core';
import type { ApiError } from '../../core/http/api-error';
import { draftProblems, fieldOfParam } from './routing-checks';
import type { Draft } from './routing-draft';
import { RoutingStore } from './routing-store';

type Errors = Readonly<Record<string, string>>;

/** The settings a gateway message may start with (`useCases.code must name at least one model`). */
const PARAM_LEAD =
  /^((?:levels|useCases|balancing|providerLimits)\.[A-Za-z0-9_.:/@+\-[\]]+|preferenceBonus|requestDeadlineMs|maxAttempts|attemptTimeoutMs|byokBonus)\b/;

/**
 * The parameter a refused save names: the body's `param` when the gateway sends one, else the
 * setting its message starts with (the portal API's problem+json carries no `param` yet).
 */
export function paramOf(error: ApiError): string | null {
  if (error.param) return error.param;
  return PARAM_LEAD.exec(error.detail ?? '')?.[1] ?? null;
}

/**
 * /admin/routing's field problems, by field key (`eco.maxPrice`, `levels.eco.latencyCapMs`,
 * `useCases.code`…): what a field could not parse (the draft keeps its last valid value), what the
 * draft cannot be saved with, and what the gateway refused (shown until the draft changes).
 */
@Injectable()
export class RoutingErrors {
  private readonly store = inject(RoutingStore);
  private readonly input = signal<Errors>({});
  private readonly server = signal<{ readonly draft: Draft | null; readonly errors: Errors }>({
    draft: null,
    errors: {},
  });
  private readonly problems = computed<Errors>(() => {
    const draft = this.store.draft();
    return draft ? draftProblems(draft) : {};
  });

  readonly all = computed<Errors>(() => {
    const server = this.server();
    const fromServer = server.draft !== null && server.draft === this.store.draft() ? server.errors : {};
    return { ...fromServer, ...this.problems(), ...this.input() };
  });
  /** Something must be fixed before the draft can be saved. */
  readonly blocking = computed(
    () => Object.keys(this.input()).length > 0 || Object.keys(this.problems()).length > 0,
  );

  of(key: string): string | null {
    return this.all()[key] ?? null;
  }

  /** Records (or, with null, clears) a field's parse problem. */
  check(key: string, error: string | null): void {
    this.input.update((errors) => {
      if (error === null && !(key in errors)) return errors;
      const next = { ...errors };
      if (error === null) delete next[key];
      else next[key] = error;
      return next;
    });
  }

  /** Clears the parse problems of a removed entry (`useCases.code`, `providerLimits.openai.rpm`…). */
  clearUnder(prefix: string): void {
    this.input.update((errors) =>
      Object.fromEntries(Object.entries(errors).filter(([k]) => k !== prefix && !k.startsWith(`${prefix}.`))),
    );
  }

  /** Shows a refused save at its field; returns the field key (null when the error names none). */
  fromServer(error: ApiError): string | null {
    const param = error.status === 400 || error.status === 422 ? paramOf(error) : null;
    if (param === null) return null;
    const key = fieldOfParam(param);
    this.server.set({ draft: this.store.draft(), errors: { [key]: error.detail ?? error.title } });
    return key;
  }

  reset(): void {
    this.input.set({});
    this.server.set({ draft: null, errors: {} });
  }
}
