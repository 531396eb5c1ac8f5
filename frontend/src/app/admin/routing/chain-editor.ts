import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  inject,
  Injector,
  input,
  output,
  signal,
} from '@angular/core';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { cssString, LIMITS, type ModelOption } from './routing-checks';

let nextId = 0;

/**
 * An ordered list of model ids (a fallback chain): add from the catalog (typed id or name, with
 * suggestions; anything else is refused), move up and down, remove. Emits the whole new list.
 */
@Component({
  selector: 'gw-chain-editor',
  imports: [MatAutocompleteModule, MatButtonModule, MatFormFieldModule, MatIconModule, MatInputModule],
  template: `
    <fieldset class="chain-editor" [attr.aria-describedby]="error() ? errorId : null">
      <legend>{{ label() }}</legend>
      @if (chain().length > 0) {
        <ol class="chain">
          @for (id of chain(); track id; let i = $index, first = $first, last = $last) {
            <li [attr.data-model-id]="id" [attr.data-index]="i">
              <span class="pos" aria-hidden="true">{{ i + 1 }}</span>
              <span class="name">
                <span>{{ nameOf(id) }}</span>
                <span class="gw-muted id">{{ id }}</span>
                @if (!known().has(id)) {
                  <span class="warn">Not in the current catalog: skipped while it is missing</span>
                }
              </span>
              <span class="buttons">
                <button
                  mat-icon-button
                  type="button"
                  class="up"
                  [disabled]="first"
                  [attr.aria-label]="'Move ' + id + ' up'"
                  (click)="move(i, -1)"
                >
                  <mat-icon aria-hidden="true">arrow_upward</mat-icon>
                </button>
                <button
                  mat-icon-button
                  type="button"
                  class="down"
                  [disabled]="last"
                  [attr.aria-label]="'Move ' + id + ' down'"
                  (click)="move(i, 1)"
                >
                  <mat-icon aria-hidden="true">arrow_downward</mat-icon>
                </button>
                <button
                  mat-icon-button
                  type="button"
                  class="remove"
                  [attr.aria-label]="'Remove ' + id"
                  (click)="remove(i)"
                >
                  <mat-icon aria-hidden="true">close</mat-icon>
                </button>
              </span>
            </li>
          }
        </ol>
      } @else {
        <p class="gw-muted empty">{{ emptyText() }}</p>
      }
      @if (error(); as e) {
        <p class="gw-error" role="alert" [id]="errorId">{{ e }}</p>
      }
      @if (chain().length < max) {
        <div class="add editor-row">
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>{{ addLabel() }}</mat-label>
            <input
              #box
              matInput
              [matAutocomplete]="auto"
              #trigger="matAutocompleteTrigger"
              (input)="query.set(box.value); addError.set(null)"
              (keydown.enter)="onEnter($event, trigger.activeOption !== null, box.value)"
            />
            <mat-autocomplete #auto="matAutocomplete" (optionSelected)="add($event.option.value)">
              @for (m of suggestions(); track m.id) {
                <mat-option [value]="m.id"
                  >{{ m.name }} <span class="gw-muted">· {{ m.id }}</span></mat-option
                >
              }
            </mat-autocomplete>
            @if (addError(); as e) {
              <mat-hint class="gw-error" role="alert">{{ e }}</mat-hint>
            } @else {
              <mat-hint>A model id or name from the catalog.</mat-hint>
            }
          </mat-form-field>
          <button mat-stroked-button type="button" (click)="add(box.value)">Add</button>
        </div>
      } @else {
        <p class="gw-muted">At most {{ max }} models.</p>
      }
    </fieldset>
  `,
  styleUrl: './routing-editor.css',
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    .chain {
      list-style: none;
      margin: 0 0 8px;
      padding: 0;
    }
    .chain li {
      display: grid;
      grid-template-columns: 1.5em minmax(0, 1fr) auto;
      align-items: center;
      gap: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .pos {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .name {
      display: flex;
      flex-direction: column;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .id,
    .warn {
      font: var(--mat-sys-body-small);
    }
    .warn {
      color: var(--mat-sys-error);
    }
    .buttons {
      display: flex;
    }
    .empty {
      margin: 0 0 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChainEditor {
  readonly chain = input.required<readonly string[]>();
  readonly models = input.required<readonly ModelOption[]>();
  /** The group's legend, e.g. "Fallback chain". */
  readonly label = input.required<string>();
  readonly addLabel = input('Add a model');
  /** What an empty chain means here. */
  readonly emptyText = input('No models.');
  /** A problem with the chain as a whole (the gateway's, or the page's). */
  readonly error = input<string | null>(null);
  readonly chainChange = output<string[]>();

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly max = LIMITS.chainLength;
  protected readonly errorId = `chain-error-${nextId++}`;
  protected readonly query = signal('');
  protected readonly addError = signal<string | null>(null);
  private emitted: { readonly from: readonly string[]; readonly to: string[] } | null = null;
  protected readonly known = computed(() => new Map(this.models().map((m) => [m.id, m])));
  protected readonly suggestions = computed(() => {
    const q = this.query().trim().toLowerCase();
    const taken = new Set(this.chain());
    return this.models()
      .filter((m) => !taken.has(m.id))
      .filter((m) => q === '' || m.id.toLowerCase().includes(q) || m.name.toLowerCase().includes(q))
      .slice(0, 50);
  });

  protected nameOf(id: string): string {
    return this.known().get(id)?.name ?? id;
  }

  /** Adds a catalog model by its id, or by a name only one model has. */
  protected add(text: string): void {
    const q = text.trim();
    if (q === '') {
      this.addError.set('Type a model id or name first.');
      return;
    }
    const byName = this.models().filter((m) => m.name.toLowerCase() === q.toLowerCase());
    const model = this.known().get(q) ?? (byName.length === 1 ? byName[0] : undefined);
    if (!model) {
      this.addError.set(`"${q}" is not a model in the catalog.`);
      return;
    }
    if (this.current().includes(model.id)) {
      this.addError.set(`${model.id} is already in the chain.`);
      return;
    }
    this.addError.set(null);
    this.query.set('');
    const box = this.host.nativeElement.querySelector<HTMLInputElement>('.add input');
    if (box) box.value = '';
    this.emit([...this.current(), model.id]);
  }

  /** Enter adds what was typed, unless it picks a highlighted suggestion (the autocomplete adds that). */
  protected onEnter(event: Event, optionActive: boolean, text: string): void {
    if (event.defaultPrevented || optionActive) return;
    event.preventDefault();
    this.add(text);
  }

  protected move(index: number, by: -1 | 1): void {
    const next = [...this.current()];
    const [id] = next.splice(index, 1);
    next.splice(index + by, 0, id!);
    this.emit(next);
    // Keep the keyboard on the moved model (its other button once it reaches an end).
    this.focusAfterRender(`li[data-model-id="${cssString(id!)}"] .${by < 0 ? 'up' : 'down'}`, (li) =>
      li.closest('li')?.querySelector<HTMLButtonElement>(`.${by < 0 ? 'down' : 'up'}`),
    );
  }

  protected remove(index: number): void {
    const next = this.current().filter((_, i) => i !== index);
    this.emit(next);
    const target = next[Math.min(index, next.length - 1)];
    this.focusAfterRender(
      target === undefined ? '.add input' : `li[data-model-id="${cssString(target)}"] .remove`,
    );
  }

  /**
   * The chain as last emitted while the input still holds the one it was emitted from (two edits
   * before the page renders, e.g. a quick Enter twice, build on each other instead of the first being lost).
   */
  private current(): readonly string[] {
    const chain = this.chain();
    return this.emitted !== null && this.emitted.from === chain ? this.emitted.to : chain;
  }

  private emit(next: string[]): void {
    this.emitted = { from: this.chain(), to: next };
    this.chainChange.emit(next);
  }

  private focusAfterRender(
    selector: string,
    whenDisabled?: (el: HTMLButtonElement) => HTMLElement | null | undefined,
  ): void {
    afterNextRender(
      () => {
        const el = this.host.nativeElement.querySelector<HTMLButtonElement>(selector);
        if (!el) return;
        if (el.disabled && whenDisabled) whenDisabled(el)?.focus();
        else el.focus();
      },
      { injector: this.injector },
    );
  }
}
