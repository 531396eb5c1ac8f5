import { ChangeDetectionStrategy, Component, inject, type OnInit } from '@angular/core';
import { BillingPolicyCard } from './billing-policy-card';
import { RateLimitsCard } from './rate-limits-card';
import { TierRulesCard } from './tier-rules-card';
import { TiersStore } from './tiers-store';

/**
 * /admin/tiers — the three versioned policies behind tiers: tier rules (power levels, BYOK), rate
 * limits per tier and the billing policy. Each saves on its own with If-Match and lists its versions.
 */
@Component({
  selector: 'gw-tiers-page',
  imports: [TierRulesCard, RateLimitsCard, BillingPolicyCard],
  providers: [TiersStore],
  template: `
    <section class="gw-page">
      <h1>Tiers and billing</h1>
      <p class="gw-muted intro">
        What each tier may use, how fast it may go, and how usage is charged. Each policy is versioned: a save
        applies to the next request, and a change someone else saved meanwhile is never overwritten.
      </p>
      <nav class="jump" aria-label="Sections">
        <a href="#tier-rules-heading" (click)="jump($event, 'tier-rules-heading')">Tier rules</a>
        <a href="#rate-limits-heading" (click)="jump($event, 'rate-limits-heading')">Rate limits</a>
        <a href="#billing-heading" (click)="jump($event, 'billing-heading')">Billing policy</a>
      </nav>
      <div class="cards">
        <gw-tier-rules-card />
        <gw-rate-limits-card />
        <gw-billing-policy-card />
      </div>
    </section>
  `,
  styles: `
    .intro {
      max-width: 75ch;
    }
    .jump {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      margin: 0 0 16px;
    }
    .cards {
      display: flex;
      flex-direction: column;
      gap: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class TiersPage implements OnInit {
  private readonly store = inject(TiersStore);

  ngOnInit(): void {
    void this.store.load();
  }

  /** In-page links without touching the router's URL (the headings are in the cards). */
  protected jump(event: Event, id: string): void {
    const target = document.getElementById(id);
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ behavior: 'smooth', block: 'start' });
    target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }
}
