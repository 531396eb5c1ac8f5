import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-admin-usage-page',
  template: `<section class="gw-page"><h1>Usage</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AdminUsagePage {}
