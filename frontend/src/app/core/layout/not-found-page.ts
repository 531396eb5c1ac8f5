import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'gw-not-found-page',
  imports: [RouterLink, MatButtonModule],
  template: `<main class="gw-page">
    <h1>Page not found</h1>
    <p>There is nothing at this address.</p>
    <a mat-flat-button routerLink="/app/usage">Go to your usage</a>
  </main>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class NotFoundPage {}
