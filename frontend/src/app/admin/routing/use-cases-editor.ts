import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  inject,
  Injector,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ChainEditor } from './chain-editor';
import { cssString, LIMITS } from './routing-checks';
import { RoutingErrors } from './routing-errors';
import { RoutingStore } from './routing-store';

/**
 * Named use cases (a caller sends `x-switchyard-use-case: code` or `metadata.use_case`), each with
 * its own fallback chain, tried at any power level ahead of the level's chain.
 */
@Component({
  selector: 'gw-use-cases-editor',
  imports: [ChainEditor, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <p class="gw-muted intro">
      A caller names a use case with the <code>x-switchyard-use-case</code> header (or
      <code>metadata.use_case</code>); its models are tried in this order at any power level, ahead of the
      level's own chain. When none of them can serve the request, routing goes on as without it.
    </p>
    @for (uc of entries(); track uc.name) {
      <section class="use-case" [attr.data-use-case]="uc.name" [attr.aria-labelledby]="'use-case-' + uc.name">
        <div class="head">
          <h3 [id]="'use-case-' + uc.name">{{ uc.name }}</h3>
          <button
            mat-button
            type="button"
            [attr.aria-label]="'Remove use case ' + uc.name"
            (click)="remove(uc.name)"
          >
            Remove
          </button>
        </div>
        <gw-chain-editor
          [chain]="uc.chain"
          [models]="store.models()"
          [label]="'Models for ' + uc.name"
          emptyText="No models yet: add at least one."
          [error]="errors.of('useCases.' + uc.name)"
          (chainChange)="store.setUseCase(uc.name, $event)"
        />
      </section>
    } @empty {
      <p class="gw-muted">No use cases.</p>
    }
    @if (entries().length < max) {
      <div class="add editor-row">
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>New use case name</mat-label>
          <input
            #name
            matInput
            maxlength="40"
            autocapitalize="off"
            spellcheck="false"
            (input)="errors.check('useCases', null)"
            (keydown.enter)="add(name)"
          />
          @if (errors.of('useCases'); as e) {
            <mat-hint class="gw-error" role="alert">{{ e }}</mat-hint>
          } @else {
            <mat-hint>Lowercase letters, digits, _ . - (up to 40), e.g. code</mat-hint>
          }
        </mat-form-field>
        <button mat-stroked-button type="button" (click)="add(name)">Add use case</button>
      </div>
    } @else {
      <p class="gw-muted">At most {{ max }} use cases.</p>
    }
  `,
  styleUrl: './routing-editor.css',
  styles: `
    :host {
      display: block;
    }
    .intro {
      margin-top: 0;
    }
    .use-case {
      margin-bottom: 12px;
    }
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 8px;
    }
    h3 {
      font: var(--mat-sys-title-medium);
      margin: 0;
      overflow-wrap: anywhere;
    }
    .add.editor-row mat-form-field {
      flex-basis: 220px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UseCasesEditor {
  protected readonly store = inject(RoutingStore);
  protected readonly errors = inject(RoutingErrors);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly max = LIMITS.useCases;

  protected readonly entries = computed(() =>
    Object.entries(this.store.draft()?.useCases ?? {}).map(([name, chain]) => ({ name, chain })),
  );

  protected add(box: HTMLInputElement): void {
    const name = box.value.trim();
    const problem = !LIMITS.useCaseName.test(name)
      ? 'Use 1–40 lowercase letters, digits, _ . or -, starting with a letter or digit.'
      : this.entries().some((u) => u.name === name)
        ? `There already is a use case "${name}".`
        : null;
    this.errors.check('useCases', problem);
    if (problem) return;
    this.store.setUseCase(name, []);
    box.value = '';
    afterNextRender(
      () =>
        this.host.nativeElement
          .querySelector<HTMLInputElement>(`[data-use-case="${cssString(name)}"] .add input`)
          ?.focus(),
      { injector: this.injector },
    );
  }

  protected remove(name: string): void {
    this.store.setUseCase(name, null);
    this.errors.clearUnder(`useCases.${name}`);
    afterNextRender(
      () => this.host.nativeElement.querySelector<HTMLInputElement>(':scope > .add input')?.focus(),
      {
        injector: this.injector,
      },
    );
  }
}
