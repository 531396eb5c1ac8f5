import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-models-page',
  template: `<section class="gw-page"><h1>Models</h1></section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ModelsPage {}
