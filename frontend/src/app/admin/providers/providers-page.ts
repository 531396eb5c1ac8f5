import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-providers-page',
  template: `<section class="gw-page"><h1>Providers</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ProvidersPage {}
