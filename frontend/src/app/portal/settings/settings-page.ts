import { ChangeDetectionStrategy, Component, computed, effect, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  type ValidationErrors,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatRadioModule } from '@angular/material/radio';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { RouterLink } from '@angular/router';
import type { PowerLevel } from '../../core/api/api';
import { AuthStore } from '../../core/auth/auth-store';
import { MoneyPipe, parseDollars } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import { SettingsApi, type CapMode, type PowerLevelEstimate } from './settings-api';
import { microsToDollarsText, SettingsStore } from './settings-store';

interface LevelInfo {
  readonly level: PowerLevel;
  readonly label: string;
  readonly description: string;
}

const LEVELS: readonly LevelInfo[] = [
  {
    level: 'eco',
    label: 'Eco',
    description:
      'The cheapest model that can do the job comes first. Good for drafts, bulk work and simple questions.',
  },
  {
    level: 'balanced',
    label: 'Balanced',
    description: 'Price and speed count alike. A sensible default for most work.',
  },
  {
    level: 'precision',
    label: 'Precision',
    description:
      'Quality comes first, whatever it costs. For hard reasoning, code and answers that must be right.',
  },
];

/** Empty (no cap) or a dollar amount with at most 6 decimals. */
const capAmount = (control: AbstractControl<string>): ValidationErrors | null =>
  control.value.trim() === '' || parseDollars(control.value) !== null ? null : { amount: true };

const tokens = new Intl.NumberFormat('en-US');

/**
 * /app/settings: power level with a live estimate per level and what the last 30 days would have cost at
 * each other level, monthly cap and its mode, BYOK only.
 */
@Component({
  selector: 'gw-settings-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatRadioModule,
    MatSlideToggleModule,
    MoneyPipe,
    PageState,
  ],
  providers: [SettingsApi, SettingsStore],
  templateUrl: './settings-page.html',
  styleUrl: './settings-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class SettingsPage {
  protected readonly store = inject(SettingsStore);
  private readonly auth = inject(AuthStore);

  protected readonly levels = LEVELS;
  protected readonly form = new FormGroup({
    powerLevel: new FormControl<PowerLevel>('balanced', { nonNullable: true }),
    cap: new FormControl('', { nonNullable: true, validators: [capAmount] }),
    capMode: new FormControl<CapMode>('soft', { nonNullable: true }),
    byokOnly: new FormControl(false, { nonNullable: true }),
  });

  protected readonly me = this.auth.me;
  protected readonly allowed = computed(() => new Set(this.auth.me()?.allowedPowerLevels ?? []));
  protected readonly byokAllowed = computed(() => this.auth.me()?.byok.allowed ?? false);
  protected readonly typical = computed(() => {
    const t = this.store.estimate()?.typicalRequest;
    return t
      ? `${tokens.format(t.promptTokens)} prompt + ${tokens.format(t.completionTokens)} completion tokens`
      : null;
  });
  private readonly estimates = computed(
    () => new Map((this.store.estimate()?.levels ?? []).map((e) => [e.powerLevel, e])),
  );

  constructor() {
    void this.store.load();
    // The saved settings fill the form (after loading and after each save), without counting as an edit.
    effect(() => {
      const s = this.store.settings();
      if (!s) return;
      this.form.reset(
        {
          powerLevel: s.powerLevel,
          cap: microsToDollarsText(s.monthlyCapMicros),
          capMode: s.capMode,
          byokOnly: s.byokOnly,
        },
        { emitEvent: false },
      );
    });
    // BYOK only is off limits on a tier without BYOK, unless it is on already (it can still be turned off).
    effect(() => {
      const byokOnly = this.form.controls.byokOnly;
      const locked = !this.byokAllowed() && this.store.settings()?.byokOnly !== true;
      if (locked) byokOnly.disable({ emitEvent: false });
      else byokOnly.enable({ emitEvent: false });
    });
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.store.edited());
  }

  protected estimateOf(level: PowerLevel): PowerLevelEstimate | undefined {
    return this.estimates().get(level);
  }

  /** Enough decimals that a fraction of a cent still shows: $0.0120, $0.000048. */
  protected digitsFor(micros: string): number {
    return /^\d+$/.test(micros) && BigInt(micros) >= 10_000n ? 4 : 6;
  }

  /** One scale for both amounts of the last-30-days line, fine enough for the smaller. */
  protected pastDigits(a: string, b: string): number {
    return Math.max(this.digitsFor(a), this.digitsFor(b));
  }

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { powerLevel, cap, capMode, byokOnly } = this.form.getRawValue();
    const capMicros = cap.trim() === '' ? null : parseDollars(cap);
    await this.store.save({
      powerLevel,
      monthlyCapMicros: capMicros === null ? null : capMicros.toString(),
      capMode,
      byokOnly,
    });
  }
}
