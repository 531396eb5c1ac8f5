import { ChangeDetectionStrategy, Component } from '@angular/core';

/** Shown on every page when the credit balance is below the user's threshold (filled in by the credits feature). */
@Component({
  selector: 'gw-low-balance-banner',
  template: '',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LowBalanceBanner {}
