import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { computed, provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import type { Me, Role } from '../api/api';
import { routes } from '../../app.routes';
import { AuthStore } from './auth-store';

/** An AuthStore signed in with the given roles: the real role rules (isAdmin, isAuditor, isUser, home). */
function signedInAs(roles: Role[]) {
  const me = signal<Me>({
    id: 'u1',
    name: 'Someone',
    roles,
    tier: 'free',
    powerLevel: 'eco',
    allowedPowerLevels: ['eco'],
    byok: { allowed: false, keysPerProvider: 0 },
  });
  const rolesSignal = computed(() => me().roles);
  const isAdmin = computed(() => rolesSignal().includes('admin'));
  const isAuditor = computed(() => rolesSignal().includes('auditor') || isAdmin());
  const isUser = computed(() => rolesSignal().includes('user') || isAdmin());
  const fake: Partial<AuthStore> = {
    me,
    roles: rolesSignal,
    isAdmin,
    isAuditor,
    isUser,
    home: computed(() => (isUser() || !isAuditor() ? '/app/usage' : '/admin/audit')),
    accessToken: signal('token'),
    signedIn: signal(true),
    restore: () => Promise.resolve(true),
  };
  return fake;
}

async function open(roles: Role[], url: string) {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideNoopAnimations(),
      provideRouter(routes),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: AuthStore, useValue: signedInAs(roles) },
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url);
  await harness.fixture.whenStable();
  const el = harness.routeNativeElement ?? (harness.fixture.nativeElement as HTMLElement);
  const root = harness.fixture.nativeElement as HTMLElement;
  return {
    url: TestBed.inject(Router).url,
    h1: [...root.querySelectorAll('h1')].map((h) => h.textContent?.trim()),
    nav: [...root.querySelectorAll('mat-nav-list a [matListItemTitle]')].map((a) => a.textContent?.trim()),
    el,
  };
}

describe('what each role may open', () => {
  it('a user who opens an admin page reads 403 at the same address, not the page', async () => {
    const page = await open(['user'], '/admin/providers');
    expect(page.url).toBe('/admin/providers');
    expect(page.h1).toEqual(['Not allowed']);
    expect(page.el.textContent).toContain('403');
    expect(page.nav).not.toContain('Providers');
    expect(page.nav).not.toContain('Audit');
  });

  it('a user who opens the audit page reads 403 too', async () => {
    const page = await open(['user'], '/admin/audit');
    expect(page.h1).toEqual(['Not allowed']);
  });

  it('an auditor-only account starts on the audit page and its navigation has nothing else', async () => {
    const page = await open(['auditor'], '/');
    expect(page.url).toBe('/admin/audit');
    expect(page.nav).toEqual(['Audit']);
  });

  it('an auditor is taken from /admin to the audit page and reads 403 on the other admin pages', async () => {
    expect((await open(['auditor'], '/admin')).url).toBe('/admin/audit');
    TestBed.resetTestingModule();
    const page = await open(['auditor'], '/admin/users');
    expect(page.url).toBe('/forbidden?from=%2Fadmin%2Fusers');
    expect(page.h1).toEqual(['Not allowed']);
    expect(page.el.textContent).toContain('/admin/users');
  });

  it('an admin sees both halves and opens admin pages', async () => {
    const page = await open(['admin'], '/admin/providers');
    expect(page.url).toBe('/admin/providers');
    expect(page.h1).not.toContain('Not allowed');
    expect(page.nav).toEqual(
      expect.arrayContaining(['Usage', 'Playground', 'Overview', 'Providers', 'Routing', 'Users', 'Audit']),
    );
  });

  it('a user starts on their usage', async () => {
    expect((await open(['user'], '/')).url).toBe('/app/usage');
  });
});
