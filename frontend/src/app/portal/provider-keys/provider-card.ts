import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, Injector, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { firstValueFrom } from 'rxjs';
import { AddKeyDialog, type AddKeyDialogData } from './add-key-dialog';
import { ConfirmDialog, type ConfirmDialogData } from '../../shared/confirm-dialog';
import type { KeyView } from './provider-keys-api';
import { CUSTOM_PROVIDER, type ProviderCard as Card, ProviderKeysStore } from './provider-keys-store';
import { RotateKeyDialog, type RotateKeyDialogData } from './rotate-key-dialog';
import { asApiError } from '../../core/http/api-error';

const STATUS_TEXT: Readonly<Record<KeyView['status'], string>> = {
  valid: 'Accepted by the provider',
  unvalidated: 'Not checked yet',
  invalid: 'Refused by the provider',
};

/** One provider: connected or not, the user's keys for it and what can be done with each. */
@Component({
  selector: 'gw-provider-card',
  imports: [DatePipe, MatCardModule, MatButtonModule, MatIconModule, MatSlideToggleModule],
  templateUrl: './provider-card.html',
  styleUrl: './provider-card.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderCard {
  private readonly store = inject(ProviderKeysStore);
  private readonly dialog = inject(MatDialog);
  private readonly injector = inject(Injector);

  readonly card = input.required<Card>();
  readonly keysPerProvider = input(0);

  protected readonly custom = computed(() => this.card().provider.provider === CUSTOM_PROVIDER);
  protected readonly title = computed(() =>
    this.custom() ? 'Custom OpenAI-compatible endpoints' : this.card().provider.name,
  );
  protected readonly busy = this.store.busy;
  protected readonly outcomes = this.store.testOutcomes;
  protected readonly statusText = STATUS_TEXT;
  /** The latest result of an action on this card, announced politely. */
  protected readonly notice = signal<{ ok: boolean; text: string } | null>(null);

  protected keyName(key: KeyView): string {
    return key.label || (this.custom() ? (key.baseUrl ?? 'Endpoint') : 'Unnamed key');
  }

  protected async addKey(): Promise<void> {
    const ref = this.dialog.open<AddKeyDialog, AddKeyDialogData, KeyView>(AddKeyDialog, {
      data: { provider: this.card().provider },
      injector: this.injector,
      width: '560px',
      maxWidth: '95vw',
      autoFocus: 'first-tabbable',
    });
    const key = await firstValueFrom(ref.afterClosed());
    if (key) this.notice.set({ ok: true, text: `Saved ${this.keyName(key)} (${key.masked}).` });
  }

  protected async testKey(key: KeyView): Promise<void> {
    this.notice.set(null);
    await this.store.test(key.id);
  }

  protected async rotateKey(key: KeyView): Promise<void> {
    const ref = this.dialog.open<RotateKeyDialog, RotateKeyDialogData, KeyView>(RotateKeyDialog, {
      data: { key, providerName: this.title(), keyFormat: this.card().provider.keyFormat },
      injector: this.injector,
      width: '520px',
      maxWidth: '95vw',
    });
    const rotated = await firstValueFrom(ref.afterClosed());
    if (rotated)
      this.notice.set({ ok: true, text: `Rotated ${this.keyName(rotated)}: now ${rotated.masked}.` });
  }

  protected async setEnabled(key: KeyView, enabled: boolean): Promise<void> {
    this.notice.set(null);
    try {
      await this.store.setEnabled(key.id, enabled);
      this.notice.set({
        ok: true,
        text: `${this.keyName(key)} is ${enabled ? 'enabled' : 'disabled'}.`,
      });
    } catch (e) {
      this.notice.set({ ok: false, text: asApiError(e).describe() });
    }
  }

  protected async deleteKey(key: KeyView): Promise<void> {
    const ref = this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: 'Delete this key?',
        message: `${this.keyName(key)} (${key.masked}) is removed from ${this.title()} and no request uses it again. This cannot be undone.`,
        confirm: 'Delete key',
      },
      maxWidth: '95vw',
    });
    if (!(await firstValueFrom(ref.afterClosed()))) return;
    try {
      await this.store.remove(key.id);
      this.notice.set({ ok: true, text: `Deleted ${this.keyName(key)}.` });
    } catch (e) {
      this.notice.set({ ok: false, text: asApiError(e).describe() });
    }
  }
}
