import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { AuthStore } from '../auth/auth-store';
import { LowBalanceBanner } from './low-balance-banner';

interface NavItem {
  readonly path: string;
  readonly label: string;
  readonly icon: string;
}

const USER_NAV: readonly NavItem[] = [
  { path: '/app/usage', label: 'Usage', icon: 'monitoring' },
  { path: '/app/playground', label: 'Playground', icon: 'chat' },
  { path: '/app/models', label: 'Models', icon: 'view_list' },
  { path: '/app/provider-keys', label: 'Provider keys', icon: 'vpn_key' },
  { path: '/app/api-keys', label: 'API keys', icon: 'key' },
  { path: '/app/credits', label: 'Credits', icon: 'account_balance_wallet' },
  { path: '/app/settings', label: 'Settings', icon: 'tune' },
];

const ADMIN_NAV: readonly NavItem[] = [
  { path: '/admin', label: 'Overview', icon: 'dashboard' },
  { path: '/admin/providers', label: 'Providers', icon: 'dns' },
  { path: '/admin/models', label: 'Catalog', icon: 'category' },
  { path: '/admin/routing', label: 'Routing', icon: 'alt_route' },
  { path: '/admin/users', label: 'Users', icon: 'group' },
  { path: '/admin/tiers', label: 'Tiers and billing', icon: 'workspace_premium' },
  { path: '/admin/usage', label: 'All usage', icon: 'insights' },
];

const AUDIT_NAV: NavItem = { path: '/admin/audit', label: 'Audit', icon: 'verified_user' };

@Component({
  selector: 'gw-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatIconModule,
    MatButtonModule,
    MatMenuModule,
    LowBalanceBanner,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  protected readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  protected readonly compact = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 840px)')
      .pipe(map((s) => s.matches)),
    { initialValue: false },
  );
  /** An auditor-only account has the audit page and nothing else; an admin sees both halves. */
  protected readonly userNav = computed(() => (this.auth.isUser() ? USER_NAV : []));
  protected readonly adminNav = computed(() =>
    this.auth.isAdmin() ? [...ADMIN_NAV, AUDIT_NAV] : this.auth.isAuditor() ? [AUDIT_NAV] : [],
  );

  protected async signOut(): Promise<void> {
    await this.auth.signOut();
    await this.router.navigate(['/login']);
  }
}
