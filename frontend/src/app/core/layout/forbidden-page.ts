import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { AuthStore } from '../auth/auth-store';

/** 403: a signed-in account opened a page its roles do not allow. */
@Component({
  selector: 'gw-forbidden-page',
  imports: [RouterLink, MatButtonModule],
  template: `<section class="gw-page">
    <h1>Not allowed</h1>
    <p>
      403 · Your account cannot open
      @if (address(); as a) {
        <code>{{ a }}</code>
      } @else {
        this page
      }
      : it is for administrators.
    </p>
    <a mat-flat-button [routerLink]="auth.home()">Go to your start page</a>
  </section>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export default class ForbiddenPage {
  protected readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly from = toSignal(inject(ActivatedRoute).queryParamMap.pipe(map((q) => q.get('from'))), {
    initialValue: null,
  });
  /** The address asked for: ?from= after a redirect, else the address itself (the admin fall-through). */
  protected readonly address = computed(() => this.from() ?? this.router.url.split('?')[0]);
}
