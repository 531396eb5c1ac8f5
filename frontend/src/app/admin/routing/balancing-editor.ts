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
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { cssString, LIMITS, numberIn } from './routing-checks';
import { RoutingErrors } from './routing-errors';
import { RoutingStore } from './routing-store';

const WEIGHT_ERROR = `A number from 0 to ${LIMITS.maxWeight}`;

/**
 * Weighted load balancing: on/off, the score band (in % of the best score) whose candidates share the
 * first attempt, and a weight per model or provider (1 when not listed; 0 takes it out of the draw).
 */
@Component({
  selector: 'gw-balancing-editor',
  imports: [
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSlideToggleModule,
  ],
  template: `
    @if (store.draft(); as d) {
      @let b = d.balancing;
      <mat-slide-toggle [checked]="b.enabled" (change)="store.setBalancing({ enabled: $event.checked })">
        Share traffic among the top-scoring candidates
      </mat-slide-toggle>
      <p class="gw-muted">
        Off: the best score is always tried first. On: the first attempt is drawn by weight among the
        candidates within the band (the same request id always draws the same); the rest follow in score
        order.
      </p>
      <mat-form-field class="band" subscriptSizing="dynamic">
        <mat-label>Score band (%)</mat-label>
        <input
          matInput
          type="number"
          min="0"
          max="50"
          step="0.5"
          [value]="b.bandPercent"
          (change)="setBand($any($event.target).value)"
        />
        @if (errors.of('balancing.bandPercent'); as e) {
          <mat-hint class="gw-error" role="alert">{{ e }}</mat-hint>
        } @else {
          <mat-hint>0 to 50: how far below the best score a candidate may be.</mat-hint>
        }
      </mat-form-field>

      <fieldset class="weights editor-box">
        <legend>Weights <span class="gw-muted">(model or provider; 1 when not listed)</span></legend>
        @for (w of weights(); track w.key) {
          <div class="row editor-row" [attr.data-weight]="w.key">
            <mat-form-field subscriptSizing="dynamic">
              <mat-label>Weight of {{ w.key }}</mat-label>
              <input
                matInput
                type="number"
                min="0"
                [max]="maxWeight"
                step="any"
                [value]="w.weight"
                (change)="setWeight(w.key, $any($event.target).value)"
              />
              @if (errors.of('balancing.weights.' + w.key); as e) {
                <mat-hint class="gw-error" role="alert">{{ e }}</mat-hint>
              }
            </mat-form-field>
            <button
              mat-icon-button
              type="button"
              [attr.aria-label]="'Remove the weight of ' + w.key"
              (click)="remove(w.key)"
            >
              <mat-icon aria-hidden="true">close</mat-icon>
            </button>
          </div>
        } @empty {
          <p class="gw-muted">Every candidate weighs 1.</p>
        }
        <div class="row editor-row add">
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>Model or provider</mat-label>
            <input #key matInput [matAutocomplete]="auto" (input)="errors.check('balancing.weights', null)" />
            <mat-autocomplete #auto="matAutocomplete">
              @for (k of keyOptions(); track k) {
                <mat-option [value]="k">{{ k }}</mat-option>
              }
            </mat-autocomplete>
            @if (errors.of('balancing.weights'); as e) {
              <mat-hint class="gw-error" role="alert">{{ e }}</mat-hint>
            }
          </mat-form-field>
          <mat-form-field class="new-weight" subscriptSizing="dynamic">
            <mat-label>Weight</mat-label>
            <input #weight matInput type="number" min="0" [max]="maxWeight" step="any" value="1" />
          </mat-form-field>
          <button mat-stroked-button type="button" (click)="add(key, weight)">Add weight</button>
        </div>
      </fieldset>
    }
  `,
  styleUrl: './routing-editor.css',
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    p {
      margin: 0;
    }
    .band {
      max-width: 260px;
    }
    .row {
      margin-bottom: 8px;
    }
    .row .new-weight {
      flex: 0 1 110px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BalancingEditor {
  protected readonly store = inject(RoutingStore);
  protected readonly errors = inject(RoutingErrors);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly maxWeight = LIMITS.maxWeight;

  protected readonly weights = computed(() =>
    Object.entries(this.store.draft()?.balancing.weights ?? {}).map(([key, weight]) => ({ key, weight })),
  );
  /** Providers, then model ids, not weighted yet. */
  protected readonly keyOptions = computed(() => {
    const taken = new Set(Object.keys(this.store.draft()?.balancing.weights ?? {}));
    return [...this.store.providers(), ...this.store.models().map((m) => m.id)].filter((k) => !taken.has(k));
  });

  protected setBand(text: string): void {
    const band = numberIn(text, 0, 50);
    this.errors.check('balancing.bandPercent', band === null ? 'A number from 0 to 50' : null);
    if (band !== null) this.store.setBalancing({ bandPercent: band });
  }

  protected setWeight(key: string, text: string): void {
    const w = numberIn(text, 0, LIMITS.maxWeight);
    this.errors.check(`balancing.weights.${key}`, w === null ? WEIGHT_ERROR : null);
    if (w !== null) this.store.setBalancingWeight(key, w);
  }

  protected add(keyBox: HTMLInputElement, weightBox: HTMLInputElement): void {
    const key = keyBox.value.trim();
    const w = numberIn(weightBox.value, 0, LIMITS.maxWeight);
    const known = this.store.providers().includes(key) || this.store.models().some((m) => m.id === key);
    const problem =
      key === ''
        ? 'Choose a model or provider.'
        : !LIMITS.weightKey.test(key) || !known
          ? `"${key}" is not a model or provider in the catalog.`
          : key in (this.store.draft()?.balancing.weights ?? {})
            ? `${key} already has a weight.`
            : w === null
              ? `The weight: ${WEIGHT_ERROR.toLowerCase()}.`
              : this.weights().length >= LIMITS.balancingWeights
                ? `At most ${LIMITS.balancingWeights} weights.`
                : null;
    this.errors.check('balancing.weights', problem);
    if (problem || w === null) return;
    this.store.setBalancingWeight(key, w);
    keyBox.value = '';
    weightBox.value = '1';
    afterNextRender(
      () =>
        this.host.nativeElement
          .querySelector<HTMLInputElement>(`[data-weight="${cssString(key)}"] input`)
          ?.focus(),
      { injector: this.injector },
    );
  }

  protected remove(key: string): void {
    this.store.setBalancingWeight(key, null);
    this.errors.clearUnder(`balancing.weights.${key}`);
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLInputElement>('.add input')?.focus(), {
      injector: this.injector,
    });
  }
}
