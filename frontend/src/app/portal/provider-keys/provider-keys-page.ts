import { ChangeDetectionStrategy, Component, computed, inject, type OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import { AuthStore } from '../../core/auth/auth-store';
import { PageState } from '../../shared/page-state';
import { ProviderCard } from './provider-card';
import { ProviderKeysStore } from './provider-keys-store';

/** /app/provider-keys — bring your own provider keys (BYOK): a card per provider, or what unlocks BYOK. */
@Component({
  selector: 'gw-provider-keys-page',
  imports: [PageState, ProviderCard, MatCardModule, MatButtonModule, RouterLink],
  providers: [ProviderKeysStore],
  templateUrl: './provider-keys-page.html',
  styleUrl: './provider-keys-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ProviderKeysPage implements OnInit {
  protected readonly store = inject(ProviderKeysStore);
  private readonly auth = inject(AuthStore);

  protected readonly allowed = computed(() => this.store.byok()?.allowed ?? false);
  protected readonly tier = computed(() => this.auth.me()?.tier ?? null);
  /** Cards to show: every provider when BYOK is allowed; otherwise only those still holding keys. */
  protected readonly cards = computed(() =>
    this.allowed() ? this.store.cards() : this.store.cards().filter((c) => c.keys.length > 0),
  );

  ngOnInit(): void {
    void this.store.load();
  }
}
