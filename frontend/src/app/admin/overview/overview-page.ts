import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-overview-page',
  template: `<section class="gw-page"><h1>Overview</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class OverviewPage {}
