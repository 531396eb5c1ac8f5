import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-provider-keys-page',
  template: '<section class="gw-page"><h1>Provider keys</h1></section>',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ProviderKeysPage {}
