import { TextFieldModule } from '@angular/cdk/text-field';
import { ChangeDetectionStrategy, Component, computed, effect, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { PowerLevel } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { MoneyPipe } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import { PlaygroundApi, type CatalogModelView } from './playground-api';
import { PlaygroundStore, type KeyChoice } from './playground-store';

const POWER_LEVELS: readonly PowerLevel[] = ['eco', 'balanced', 'precision'];
/** Aliases that name a power level themselves (`auto` runs at the chosen or the account's level). */
const LEVEL_ALIASES: ReadonlySet<string> = new Set(POWER_LEVELS);

interface ModelGroup {
  readonly providerName: string;
  readonly models: readonly CatalogModelView[];
}

const numberFormat = new Intl.NumberFormat('en-US');

/** /app/playground: send one message, watch the answer stream, then see where it went and what it cost. */
@Component({
  selector: 'gw-playground-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    TextFieldModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    MatSelectModule,
    MoneyPipe,
    PageState,
  ],
  providers: [PlaygroundApi, PlaygroundStore],
  templateUrl: './playground-page.html',
  styleUrl: './playground-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class PlaygroundPage {
  protected readonly store = inject(PlaygroundStore);
  private readonly auth = inject(AuthStore);

  protected readonly form = new FormGroup({
    model: new FormControl('auto', { nonNullable: true }),
    powerLevel: new FormControl<PowerLevel | ''>('', { nonNullable: true }),
    message: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  protected readonly password = new FormControl('', { nonNullable: true });

  private readonly model = toSignal(this.form.controls.model.valueChanges, { initialValue: 'auto' });
  protected readonly powerLevels = POWER_LEVELS;
  protected readonly me = this.auth.me;
  protected readonly allowed = computed(() => new Set(this.auth.me()?.allowedPowerLevels ?? []));
  protected readonly aliasSetsLevel = computed(() => LEVEL_ALIASES.has(this.model()));

  protected readonly groups = computed<readonly ModelGroup[]>(() => {
    const byProvider = new Map<string, CatalogModelView[]>();
    for (const m of this.store.models()) {
      const list = byProvider.get(m.providerName) ?? [];
      list.push(m);
      byProvider.set(m.providerName, list);
    }
    return [...byProvider.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([providerName, models]) => ({
        providerName,
        models: [...models].sort((a, b) => a.name.localeCompare(b.name)),
      }));
  });

  protected readonly modelHint = computed(() => {
    const id = this.model();
    const alias = this.store.aliases().find((a) => a.name === id);
    if (alias) return alias.description;
    const m = this.store.models().find((x) => x.id === id);
    if (!m) return '';
    const parts = [`${m.providerName}`, `${numberFormat.format(m.contextWindow)} tokens of context`];
    if (m.requiresOwnKey) parts.push('needs your own provider key');
    if (m.deprecated)
      parts.push(`deprecated${m.deprecated.replacement ? `: use ${m.deprecated.replacement}` : ''}`);
    return parts.join(' · ');
  });

  /** One sentence for screen readers when the answer's state changes (the answer itself is not read out). */
  protected readonly statusText = computed(() => {
    switch (this.store.status()) {
      case 'idle':
        return '';
      case 'streaming':
        return 'Answer streaming…';
      case 'stopped':
        return 'Stopped. What arrived so far is shown.';
      case 'failed':
        return 'The request failed.';
      case 'done': {
        const usage = this.store.usage();
        return usage
          ? `Answer complete: ${numberFormat.format(usage.totalTokens)} tokens.`
          : 'Answer complete.';
      }
    }
  });

  protected readonly explainedUsage = computed(() => this.store.explanation()?.usage ?? null);

  constructor() {
    void this.store.load();
    effect(() => {
      const level = this.form.controls.powerLevel;
      if (this.aliasSetsLevel()) level.disable({ emitEvent: false });
      else level.enable({ emitEvent: false });
    });
    effect(() => {
      const message = this.form.controls.message;
      if (this.store.streaming()) message.disable({ emitEvent: false });
      else message.enable({ emitEvent: false });
    });
  }

  protected send(): void {
    const { message } = this.form.controls;
    if (this.store.streaming()) return;
    if (message.invalid || !message.value.trim()) {
      message.markAsTouched();
      message.setErrors({ required: true });
      return;
    }
    const { model, powerLevel } = this.form.getRawValue();
    void this.store.send({
      model,
      message: message.value,
      powerLevel: this.aliasSetsLevel() || powerLevel === '' ? null : powerLevel,
    });
  }

  protected sendFromKeyboard(event: Event): void {
    event.preventDefault();
    this.send();
  }

  protected chooseKey(choice: KeyChoice): void {
    this.store.chooseKey(choice);
  }

  protected pasteKey(event: Event): void {
    this.store.setPastedKey((event.target as HTMLInputElement).value);
  }

  protected async createKey(): Promise<void> {
    const password = this.store.needsPassword() ? this.password.value : undefined;
    await this.store.createSessionKey(password || undefined);
    if (this.store.sessionKey()) this.password.reset();
  }

  protected revokeKey(): void {
    void this.store.revokeSessionKey();
  }

  protected levelLabel(level: PowerLevel): string {
    return level.charAt(0).toUpperCase() + level.slice(1);
  }

  protected ms(value: number | null | undefined): string {
    return value === null || value === undefined ? '—' : `${numberFormat.format(Math.round(value))} ms`;
  }

  protected count(value: number): string {
    return numberFormat.format(value);
  }
}
