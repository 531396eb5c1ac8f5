import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-settings-page',
  template: '<section class="gw-page"><h1>Settings</h1></section>',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class SettingsPage {}
