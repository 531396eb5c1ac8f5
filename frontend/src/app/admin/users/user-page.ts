import { DatePipe, DecimalPipe, PercentPipe } from '@angular/common';
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
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import type { ChartConfiguration } from 'chart.js';
import { firstValueFrom } from 'rxjs';
import { AuthStore } from '../../core/auth/auth-store';
import { ApiError } from '../../core/http/api-error';
import { ChartView } from '../../shared/chart';
import { ConfirmDialog, type ConfirmDialogData } from '../../shared/confirm-dialog';
import { formatMicros, MoneyPipe } from '../../shared/money';
import { PageState } from '../../shared/page-state';
import {
  ROLES,
  TIERS,
  type CreditGrantView,
  type GatewayKeyView,
  type Role,
  type Tier,
} from './admin-users-api';
import { DeleteUserDialog, type DeleteUserDialogData } from './delete-user-dialog';
import { GrantCreditsDialog, type GrantCreditsDialogData } from './grant-credits-dialog';
import { USAGE_DAYS, UserStore } from './user-store';

const describe = (e: unknown): string => (e instanceof ApiError ? e.describe() : 'Something went wrong.');

const DAY_MS = 86_400_000;

/** Dollars to the cent, or to the micro-dollar for amounts under a cent (a cheap request's charge). */
export function preciseMoney(micros: string): string {
  const value = BigInt(micros);
  const abs = value < 0n ? -value : value;
  return formatMicros(value, abs !== 0n && abs < 10_000n ? 6 : 2);
}

/** Every day of the range (UTC) with its requests and charge; days without usage are 0. */
export function dailySeries(
  from: string,
  buckets: readonly { bucket: string; requests: number; chargedMicros: string }[],
): { day: string; requests: number; chargedMicros: bigint }[] {
  const byDay = new Map(buckets.map((b) => [b.bucket.slice(0, 10), b]));
  const start = Date.parse(from);
  return Array.from({ length: USAGE_DAYS }, (_, i) => {
    const day = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    const b = byDay.get(day);
    return { day, requests: b?.requests ?? 0, chargedMicros: BigInt(b?.chargedMicros ?? '0') };
  });
}

/** /admin/users/:id — one account: profile, tier and roles, credits, usage, provider and gateway keys. */
@Component({
  selector: 'gw-user-page',
  imports: [
    DatePipe,
    DecimalPipe,
    PercentPipe,
    FormsModule,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatSelectModule,
    ChartView,
    MoneyPipe,
    PageState,
  ],
  providers: [UserStore],
  templateUrl: './user-page.html',
  styleUrl: './user-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class UserPage {
  /** The route's :id (component input binding). */
  readonly id = input.required<string>();
  protected readonly store = inject(UserStore);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly router = inject(Router);
  private readonly auth = inject(AuthStore);
  private readonly injector = inject(Injector);

  protected readonly preciseMoney = preciseMoney;
  protected readonly tiers = TIERS;
  protected readonly roles = ROLES;
  /** The profile form's draft: tier and roles as edited, saved together. */
  protected readonly tier = signal<Tier>('free');
  protected readonly roleDraft = signal<ReadonlySet<Role>>(new Set());
  protected readonly profileMessage = signal<string | null>(null);
  protected readonly keysMessage = signal<string | null>(null);
  protected readonly self = computed(() => this.auth.me()?.id === this.id());

  protected readonly dirty = computed(() => {
    const u = this.store.user();
    if (!u) return false;
    const roles = this.roleDraft();
    return u.tier !== this.tier() || u.roles.length !== roles.size || u.roles.some((r) => !roles.has(r));
  });

  protected readonly capShare = computed(() => {
    const c = this.store.credits().value;
    if (!c || c.monthlyCapMicros === null || c.monthlyCapMicros === '0') return null;
    const share = Number((BigInt(c.monthSpendMicros) * 1000n) / BigInt(c.monthlyCapMicros)) / 10;
    return Math.min(100, share);
  });

  protected readonly days = computed(() => {
    const u = this.store.usage().value;
    return u ? dailySeries(u.series.from, u.series.data) : [];
  });

  protected readonly chart = computed<ChartConfiguration>(() => {
    const days = this.days();
    return {
      type: 'bar',
      data: {
        labels: days.map((d) => d.day.slice(5)),
        datasets: [{ label: 'Requests', data: days.map((d) => d.requests), backgroundColor: '#3f6fb5' }],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    };
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.store.load(id));
    });
    effect(() => {
      const u = this.store.user();
      if (u)
        untracked(() => {
          this.tier.set(u.tier);
          this.roleDraft.set(new Set(u.roles));
        });
    });
  }

  protected toggleRole(role: Role, checked: boolean): void {
    this.roleDraft.update((s) => {
      const next = new Set(s);
      if (checked) next.add(role);
      else next.delete(role);
      return next;
    });
  }

  protected async saveProfile(): Promise<void> {
    const roles = ROLES.filter((r) => this.roleDraft().has(r));
    if (roles.length === 0) {
      this.profileMessage.set('Give the user at least one role.');
      return;
    }
    this.profileMessage.set(null);
    try {
      const user = await this.store.update({ tier: this.tier(), roles });
      this.profileMessage.set(`Saved: ${user.tier} tier, roles ${user.roles.join(', ')}.`);
    } catch (e) {
      this.profileMessage.set(`Could not save: ${describe(e)}`);
    }
  }

  protected async toggleDisabled(): Promise<void> {
    const u = this.store.user();
    if (!u) return;
    if (!u.disabled) {
      const ref = this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
        data: {
          title: `Disable ${u.name}?`,
          message: `${u.name} cannot sign in and every one of their gateway keys is refused at once, until an admin enables the account again.`,
          confirm: 'Disable user',
        },
        maxWidth: '95vw',
      });
      if (!(await firstValueFrom(ref.afterClosed()))) return;
    }
    this.profileMessage.set(null);
    try {
      const user = await this.store.update({ disabled: !u.disabled });
      this.profileMessage.set(user.disabled ? `${user.name} is disabled.` : `${user.name} is enabled again.`);
    } catch (e) {
      this.profileMessage.set(`Could not change the account: ${describe(e)}`);
    }
  }

  protected async deleteUser(): Promise<void> {
    const u = this.store.user();
    if (!u) return;
    const ref = this.dialog.open<DeleteUserDialog, DeleteUserDialogData, boolean>(DeleteUserDialog, {
      data: { name: u.name },
      width: '520px',
      maxWidth: '95vw',
    });
    if (!(await firstValueFrom(ref.afterClosed()))) return;
    try {
      await this.store.delete();
      this.snackBar.open(`Deleted ${u.name}.`, 'OK', { duration: 5000 });
      void this.router.navigate(['/admin/users']);
    } catch (e) {
      this.profileMessage.set(`Could not delete: ${describe(e)}`);
    }
  }

  protected async grantCredits(): Promise<void> {
    const u = this.store.user();
    if (!u) return;
    const ref = this.dialog.open<GrantCreditsDialog, GrantCreditsDialogData, CreditGrantView>(
      GrantCreditsDialog,
      { data: { name: u.name }, injector: this.injector, width: '520px', maxWidth: '95vw' },
    );
    const grant = await firstValueFrom(ref.afterClosed());
    if (grant)
      this.snackBar.open(
        grant.granted ? `Granted credits to ${u.name}.` : 'Those credits were granted already.',
        'OK',
        { duration: 5000 },
      );
  }

  protected async revokeKey(key: GatewayKeyView): Promise<void> {
    const u = this.store.user();
    const ref = this.dialog.open<ConfirmDialog, ConfirmDialogData, boolean>(ConfirmDialog, {
      data: {
        title: 'Revoke this key?',
        message: `“${key.name}” (${key.maskedKey}) of ${u?.name ?? 'this user'} stops working at once: every app using it gets 401. This cannot be undone.`,
        confirm: 'Revoke key',
      },
      maxWidth: '95vw',
    });
    if (!(await firstValueFrom(ref.afterClosed()))) return;
    this.keysMessage.set(null);
    try {
      await this.store.revokeApiKey(key.id);
      this.keysMessage.set(`Revoked “${key.name}”.`);
    } catch (e) {
      this.keysMessage.set(`Could not revoke “${key.name}”: ${describe(e)}`);
    }
  }
}
