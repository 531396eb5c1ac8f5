import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  inject,
  Injector,
} from '@angular/core';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { ProviderRateLimit } from './routing-api';
import { cssString, LIMITS, wholeIn } from './routing-checks';
import { RoutingErrors } from './routing-errors';
import { RoutingStore } from './routing-store';

type Rate = 'rpm' | 'tpm';
const RATE_ERROR = `Empty, or a whole number from 1 to ${LIMITS.maxRate.toLocaleString('en-US')}`;

/** A rate typed into a field: undefined when empty, null when invalid. */
const rateOf = (text: string): number | null | undefined =>
  text.trim() === '' ? undefined : wholeIn(text, 1, LIMITS.maxRate);

/**
 * What each provider's upstream account allows per minute (requests, tokens): a provider close to
 * its limit is ranked lower before it answers 429. Applies to the platform's key only.
 */
@Component({
  selector: 'gw-provider-limits-editor',
  imports: [MatAutocompleteModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <p class="gw-muted intro">
      What each provider's account allows per minute. A provider close to its limit is ranked lower before it
      answers 429 (the platform's key only: a caller's own key has its own limits).
    </p>
    @for (l of limits(); track l.provider) {
      <fieldset class="limit editor-box editor-row" [attr.data-provider]="l.provider">
        <legend>{{ l.provider }}</legend>
        @for (rate of rates; track rate) {
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>{{ rateLabels[rate] }}</mat-label>
            <input
              matInput
              type="number"
              min="1"
              step="1"
              [value]="l.limit[rate] ?? ''"
              (change)="setRate(l.provider, l.limit, rate, $any($event.target).value)"
            />
            @if (errors.of('providerLimits.' + l.provider + '.' + rate); as e) {
              <mat-hint class="gw-error" role="alert">{{ e }}</mat-hint>
            }
          </mat-form-field>
        }
        <button
          mat-button
          type="button"
          [attr.aria-label]="'Remove the limit of ' + l.provider"
          (click)="remove(l.provider)"
        >
          Remove
        </button>
        @if (errors.of('providerLimits.' + l.provider); as e) {
          <p class="gw-error problem" role="alert">{{ e }}</p>
        }
      </fieldset>
    } @empty {
      <p class="gw-muted">No limits: providers are ranked without regard to their rate.</p>
    }
    <fieldset class="limit editor-box editor-row add">
      <legend>Add a limit</legend>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Provider</mat-label>
        <input #provider matInput [matAutocomplete]="auto" (input)="errors.check('providerLimits', null)" />
        <mat-autocomplete #auto="matAutocomplete">
          @for (p of providerOptions(); track p) {
            <mat-option [value]="p">{{ p }}</mat-option>
          }
        </mat-autocomplete>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>{{ rateLabels.rpm }}</mat-label>
        <input #rpm matInput type="number" min="1" step="1" />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>{{ rateLabels.tpm }}</mat-label>
        <input #tpm matInput type="number" min="1" step="1" />
      </mat-form-field>
      <button mat-stroked-button type="button" (click)="add(provider, rpm, tpm)">Add limit</button>
      @if (errors.of('providerLimits'); as e) {
        <p class="gw-error problem" role="alert">{{ e }}</p>
      }
    </fieldset>
  `,
  styleUrl: './routing-editor.css',
  styles: `
    :host {
      display: block;
    }
    .intro {
      margin-top: 0;
    }
    .limit.editor-row mat-form-field {
      flex-basis: 150px;
    }
    .problem {
      flex: 1 1 100%;
      margin: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderLimitsEditor {
  protected readonly store = inject(RoutingStore);
  protected readonly errors = inject(RoutingErrors);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly rates: readonly Rate[] = ['rpm', 'tpm'];
  protected readonly rateLabels: Readonly<Record<Rate, string>> = {
    rpm: 'Requests per minute',
    tpm: 'Tokens per minute',
  };

  protected readonly limits = computed(() =>
    Object.entries(this.store.draft()?.providerLimits ?? {}).map(([provider, limit]) => ({
      provider,
      limit,
    })),
  );
  protected readonly providerOptions = computed(() => {
    const taken = new Set(Object.keys(this.store.draft()?.providerLimits ?? {}));
    return this.store.providers().filter((p) => !taken.has(p));
  });

  protected setRate(provider: string, limit: ProviderRateLimit, rate: Rate, text: string): void {
    const value = rateOf(text);
    this.errors.check(`providerLimits.${provider}.${rate}`, value === null ? RATE_ERROR : null);
    if (value === null) return;
    const next: ProviderRateLimit = { ...limit };
    if (value === undefined) delete next[rate];
    else next[rate] = value;
    this.store.setProviderLimit(provider, next);
  }

  protected add(providerBox: HTMLInputElement, rpmBox: HTMLInputElement, tpmBox: HTMLInputElement): void {
    const provider = providerBox.value.trim();
    const rpm = rateOf(rpmBox.value);
    const tpm = rateOf(tpmBox.value);
    const problem =
      provider === ''
        ? 'Choose a provider.'
        : !LIMITS.providerId.test(provider) || !this.store.providers().includes(provider)
          ? `"${provider}" is not a provider in the catalog.`
          : provider in (this.store.draft()?.providerLimits ?? {})
            ? `${provider} already has a limit: change it above.`
            : rpm === null || tpm === null
              ? `Requests and tokens per minute: ${RATE_ERROR.toLowerCase()}.`
              : rpm === undefined && tpm === undefined
                ? 'Give requests or tokens per minute (or both).'
                : this.limits().length >= LIMITS.providerLimits
                  ? `At most ${LIMITS.providerLimits} providers.`
                  : null;
    this.errors.check('providerLimits', problem);
    if (problem) return;
    this.store.setProviderLimit(provider, {
      ...(typeof rpm === 'number' && { rpm }),
      ...(typeof tpm === 'number' && { tpm }),
    });
    for (const box of [providerBox, rpmBox, tpmBox]) box.value = '';
    afterNextRender(
      () =>
        this.host.nativeElement
          .querySelector<HTMLInputElement>(`[data-provider="${cssString(provider)}"] input`)
          ?.focus(),
      { injector: this.injector },
    );
  }

  protected remove(provider: string): void {
    this.store.setProviderLimit(provider, null);
    this.errors.clearUnder(`providerLimits.${provider}`);
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLInputElement>('.add input')?.focus(), {
      injector: this.injector,
    });
  }
}
