import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  Injector,
  input,
  signal,
  untracked,
} from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { ConfirmDialog, type ConfirmDialogData } from '../../shared/confirm-dialog';
import { PageState } from '../../shared/page-state';
import { HealthChart } from './health-chart';
import { HealthChip } from './health-chip';
import { baseUrlValidator } from './provider-form';
import {
  ERROR_KINDS,
  formatCount,
  formatMs,
  formatRate,
  HEALTH_WINDOWS,
  KIND_TEXT,
  KINDS,
  PAID_PARAMS,
  SERVING_TEXT,
  totalErrors,
  type HealthWindow,
} from './provider-health';
import { ProviderStore } from './provider-store';
import type { ChangeProviderBody, PaidParam, ProviderKind, ProviderView } from './providers-api';
import { ReplaceKeyDialog, type ReplaceKeyDialogData } from './replace-key-dialog';
import { asApiError } from '../../core/http/api-error';

const BREAKER_TEXT: Readonly<Partial<Record<string, string>>> = {
  closed: 'Closed (requests flow)',
  open: 'Open (skipped by routing)',
  half_open: 'Half-open (trying it again)',
};

/** /admin/providers/:slug — one provider's health (chart, numbers, timeline), settings and platform key. */
@Component({
  selector: 'gw-provider-page',
  imports: [
    DatePipe,
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    PageState,
    HealthChip,
    HealthChart,
  ],
  providers: [ProviderStore],
  templateUrl: './provider-page.html',
  styleUrl: './provider-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ProviderPage {
  protected readonly store = inject(ProviderStore);
  private readonly dialog = inject(MatDialog);
  private readonly injector = inject(Injector);
  private readonly title = inject(Title);

  /** The route's :slug. */
  readonly slug = input.required<string>();

  protected readonly windows = HEALTH_WINDOWS;
  protected readonly kinds = KINDS;
  protected readonly kindText = KIND_TEXT;
  protected readonly servingText = SERVING_TEXT;
  protected readonly breakerText = BREAKER_TEXT;
  protected readonly paidParams = PAID_PARAMS;
  protected readonly errorKinds = ERROR_KINDS;
  protected readonly formatCount = formatCount;
  protected readonly formatMs = formatMs;
  protected readonly formatRate = formatRate;
  protected readonly totalErrors = totalErrors;

  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    kind: inject(FormBuilder).nonNullable.control<ProviderKind>('openai-compatible'),
    baseUrl: ['', baseUrlValidator],
    requiresKey: [true],
    enabled: [true],
    disabledReason: ['', Validators.maxLength(500)],
    paid: inject(FormBuilder).nonNullable.group(
      Object.fromEntries(PAID_PARAMS.map((p) => [p.value, false])) as Record<PaidParam, boolean>,
    ),
  });
  protected readonly saving = signal(false);
  protected readonly settingsNotice = signal<{ ok: boolean; text: string } | null>(null);
  protected readonly keyNotice = signal<{ ok: boolean; text: string } | null>(null);
  protected readonly keyBusy = signal(false);
  protected readonly credentialText: Readonly<Partial<Record<string, string>>> = {
    platform: 'Platform key',
    byok: 'Users’ own keys (BYOK)',
  };

  protected readonly summary = this.store.summary;
  protected readonly anyErrors = computed(() => {
    const s = this.summary();
    return s ? totalErrors(s) > 0 : false;
  });

  constructor() {
    effect(() => {
      const slug = this.slug();
      untracked(() => void this.store.load(slug));
    });
    let shown: string | null = null;
    effect(() => {
      const provider = this.store.provider();
      if (!provider) return;
      untracked(() => {
        this.title.setTitle(`${provider.name} · Providers · Switchyard`);
        if (provider.slug !== shown || !this.form.dirty) this.resetForm(provider);
        shown = provider.slug;
      });
    });
  }

  protected selectWindow(window: HealthWindow): void {
    void this.store.setWindow(window);
  }

  protected testConnection(): void {
    void this.store.test();
  }

  protected async saveSettings(): Promise<void> {
    const provider = this.store.provider();
    if (!provider) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const changes = this.changes(provider);
    if (Object.keys(changes).length === 0) {
      this.settingsNotice.set({ ok: true, text: 'Nothing to save: no setting changed.' });
      return;
    }
    this.saving.set(true);
    this.settingsNotice.set(null);
    try {
      const saved = await this.store.save(changes);
      this.resetForm(saved);
      this.settingsNotice.set({ ok: true, text: 'Settings saved.' });
    } catch (e) {
      this.settingsNotice.set({ ok: false, text: asApiError(e).describe() });
    } finally {
      this.saving.set(false);
    }
  }

  protected discardChanges(): void {
    const provider = this.store.provider();
    if (provider) this.resetForm(provider);
    this.settingsNotice.set(null);
  }

  protected async replaceKey(): Promise<void> {
    const provider = this.store.provider();
    if (!provider) return;
    this.keyNotice.set(null);
    const ref = this.dialog.open<ReplaceKeyDialog, ReplaceKeyDialogData, ProviderView>(ReplaceKeyDialog, {
      data: { providerName: provider.name, masked: provider.platformKey?.masked ?? null },
      injector: this.injector,
      width: '560px',
      maxWidth: '95vw',
      autoFocus: 'first-tabbable',
    });
    const saved = await firstValueFrom(ref.afterClosed());
    if (saved?.platformKey)
      this.keyNotice.set({ ok: true, text: `Platform key saved: ${saved.platformKey.masked}.` });
  }

  protected async removeKey(): Promise<void> {
    const provider = this.store.provider();
    if (!provider?.platformKey) return;
    const ref = this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: 'Remove the platform key?',
        message:
          `${provider.platformKey.masked} is deleted. ${provider.name} then serves only requests paid ` +
          'with users’ own keys until a new platform key is set.',
        confirm: 'Remove key',
      },
      maxWidth: '95vw',
    });
    if (!(await firstValueFrom(ref.afterClosed()))) return;
    this.keyBusy.set(true);
    try {
      await this.store.removeKey();
      this.keyNotice.set({ ok: true, text: 'Platform key removed.' });
    } catch (e) {
      this.keyNotice.set({ ok: false, text: asApiError(e).describe() });
    } finally {
      this.keyBusy.set(false);
    }
  }

  /** Only the fields that differ from the saved provider. */
  private changes(provider: ProviderView): ChangeProviderBody {
    const v = this.form.getRawValue();
    const allowed = PAID_PARAMS.map((p) => p.value).filter((p) => v.paid[p]);
    const before = [...provider.allowedPaidParams].sort().join(',');
    const reason = v.disabledReason.trim();
    return {
      ...(v.name.trim() !== provider.name && { name: v.name.trim() }),
      ...(v.kind !== provider.kind && { kind: v.kind }),
      ...(v.baseUrl.trim() !== provider.baseUrl && { baseUrl: v.baseUrl.trim() }),
      ...(v.requiresKey !== provider.requiresKey && { requiresKey: v.requiresKey }),
      ...(v.enabled !== provider.enabled && { enabled: v.enabled }),
      ...(!v.enabled && reason !== (provider.disabledReason ?? '') && { disabledReason: reason }),
      ...([...allowed].sort().join(',') !== before && { allowedPaidParams: allowed }),
    };
  }

  private resetForm(p: ProviderView): void {
    this.form.reset({
      name: p.name,
      kind: p.kind as ProviderKind,
      baseUrl: p.baseUrl,
      requiresKey: p.requiresKey,
      enabled: p.enabled,
      disabledReason: p.disabledReason ?? '',
      paid: Object.fromEntries(
        PAID_PARAMS.map((param) => [param.value, p.allowedPaidParams.includes(param.value)]),
      ) as Record<PaidParam, boolean>,
    });
  }
}
