import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-request-page',
  template: '<section class="gw-page"><h1>Request</h1></section>',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class RequestPage {}
