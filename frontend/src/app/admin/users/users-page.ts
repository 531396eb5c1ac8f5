import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-users-page',
  template: `<section class="gw-page"><h1>Users</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class UsersPage {}
