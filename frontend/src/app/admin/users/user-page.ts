import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-user-page',
  template: `<section class="gw-page"><h1>User</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class UserPage {}
