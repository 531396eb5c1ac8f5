import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-provider-page',
  template: `<section class="gw-page"><h1>Provider</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ProviderPage {}
