import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-routing-page',
  template: `<section class="gw-page"><h1>Routing</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class RoutingPage {}
