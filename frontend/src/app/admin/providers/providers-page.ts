import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, Injector, type OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { PageState } from '../../shared/page-state';
import { AddProviderDialog } from './add-provider-dialog';
import { HealthChip } from './health-chip';
import {
  formatCount,
  formatMs,
  formatRate,
  HEALTH_WINDOWS,
  KIND_TEXT,
  SERVING_TEXT,
  type HealthWindow,
} from './provider-health';
import type { ProviderView } from './providers-api';
import { ProvidersStore } from './providers-store';
import { asApiError } from '../../core/http/api-error';

/** /admin/providers — every provider's health over a window; add, enable and disable providers. */
@Component({
  selector: 'gw-providers-page',
  imports: [
    DatePipe,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatIconModule,
    MatSlideToggleModule,
    PageState,
    HealthChip,
  ],
  providers: [ProvidersStore],
  templateUrl: './providers-page.html',
  styleUrl: './providers-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ProvidersPage implements OnInit {
  protected readonly store = inject(ProvidersStore);
  private readonly dialog = inject(MatDialog);
  private readonly injector = inject(Injector);

  protected readonly windows = HEALTH_WINDOWS;
  protected readonly kindText = KIND_TEXT;
  protected readonly servingText = SERVING_TEXT;
  protected readonly formatCount = formatCount;
  protected readonly formatMs = formatMs;
  protected readonly formatRate = formatRate;
  protected readonly notice = signal<{ ok: boolean; text: string } | null>(null);
  protected readonly refreshing = signal(false);

  ngOnInit(): void {
    void this.store.load();
  }

  protected selectWindow(window: HealthWindow): void {
    void this.store.setWindow(window);
  }

  protected async refresh(): Promise<void> {
    this.refreshing.set(true);
    try {
      await this.store.refresh();
    } finally {
      this.refreshing.set(false);
    }
  }

  protected async addProvider(): Promise<void> {
    const ref = this.dialog.open<AddProviderDialog, void, ProviderView>(AddProviderDialog, {
      injector: this.injector,
      width: '600px',
      maxWidth: '95vw',
      autoFocus: 'first-tabbable',
    });
    const added = await firstValueFrom(ref.afterClosed());
    if (added)
      this.notice.set({
        ok: true,
        text: `Added ${added.name}. ${added.platformKey ? '' : 'Set its platform key and '}give it models to serve requests.`,
      });
  }

  protected async setEnabled(provider: ProviderView, enabled: boolean): Promise<void> {
    this.notice.set(null);
    try {
      await this.store.setEnabled(provider.slug, enabled);
      this.notice.set({ ok: true, text: `${provider.name} is ${enabled ? 'enabled' : 'disabled'}.` });
    } catch (e) {
      this.notice.set({ ok: false, text: asApiError(e).describe() });
    }
  }
}
