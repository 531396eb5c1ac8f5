import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-api-keys-page',
  template: '<section class="gw-page"><h1>API keys</h1></section>',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ApiKeysPage {}
