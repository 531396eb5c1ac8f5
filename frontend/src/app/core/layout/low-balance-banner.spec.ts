import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { Me } from '../api/api';
import { AuthStore } from '../auth/auth-store';
import { LowBalanceBanner } from './low-balance-banner';

@Component({ template: '' })
class Empty {}

const ME: Me = {
  id: 'u1',
  name: 'Demo',
  roles: ['user'],
  tier: 'free',
  powerLevel: 'eco',
  allowedPowerLevels: ['eco'],
  byok: { allowed: false, keysPerProvider: 0 },
};

describe('LowBalanceBanner', () => {
  beforeEach(() => sessionStorage.clear());

  it('below the threshold: a status with the balance, a link to buy credits, and a dismiss button', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([{ path: '**', component: Empty }]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthStore, useValue: { me: signal(ME) } },
      ],
    });
    const fixture = TestBed.createComponent(LowBalanceBanner);
    const http = TestBed.inject(HttpTestingController);
    const el = fixture.nativeElement as HTMLElement;
    http.expectOne('/api/v1/me/credits').flush({ balanceMicros: '1500000' });
    http.expectOne('/api/v1/me/settings').flush({ lowBalanceAlertMicros: '2000000' });
    await fixture.whenStable();

    const status = el.querySelector('[role="status"]')!;
    expect(status.textContent).toContain('Your credit balance is $1.50, below your alert of $2.00.');
    expect(status.querySelector('a')?.getAttribute('href')).toBe('/app/credits');

    // A navigation within 30 s reads nothing again.
    await TestBed.inject(Router).navigateByUrl('/app/usage');
    http.expectNone('/api/v1/me/credits');

    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Dismiss'))!.click();
    await fixture.whenStable();
    expect(el.querySelector('[role="status"]')!.textContent?.trim()).toBe('');
    http.verify();
  });
});
