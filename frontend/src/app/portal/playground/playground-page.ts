import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'gw-playground-page',
  template: '<section class="gw-page"><h1>Playground</h1></section>',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class PlaygroundPage {}
