import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-tiers-page',
  template: `<section class="gw-page"><h1>Tiers and billing</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class TiersPage {}
