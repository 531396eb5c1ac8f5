import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-admin-home-page',
  template: `<section class="gw-page">
    <h1>Admin</h1>
    <p>
      The admin and auditor portal (providers, models, routing policy, users, provider health, audit) is
      coming next. Until then, the admin API is documented at <a href="/api/docs">/api/docs</a>.
    </p>
  </section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AdminHomePage {}
