import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-credits-page',
  template: '<section class="gw-page"><h1>Credits</h1></section>',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class CreditsPage {}
