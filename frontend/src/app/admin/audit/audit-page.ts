import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-audit-page',
  template: `<section class="gw-page"><h1>Audit</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class AuditPage {}
