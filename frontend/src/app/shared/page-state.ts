import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import type { ApiError } from '../core/http/api-error';

/**
 * Loading, error and empty states, the same on every page. Content is projected when none applies:
 * `<gw-page-state [loading]="store.loading()" [error]="store.error()" [empty]="!rows().length"
 *   emptyText="No requests yet" (retry)="store.load()"> …content… </gw-page-state>`
 */
@Component({
  selector: 'gw-page-state',
  imports: [MatProgressSpinnerModule, MatButtonModule],
  template: `
    @if (error(); as e) {
      <div class="state error" role="alert">
        <p class="gw-error">{{ e.describe() }}</p>
        @if (e.isServerError && e.correlationId) {
          <p class="gw-muted">
            Request id: <code>{{ e.correlationId }}</code>
          </p>
        }
        <button mat-stroked-button type="button" (click)="retry.emit()">Try again</button>
      </div>
    } @else if (loading()) {
      <div class="state" role="status" aria-live="polite">
        <mat-spinner diameter="32" aria-label="Loading" />
      </div>
    } @else if (empty()) {
      <div class="state empty">
        <p class="gw-muted">{{ emptyText() }}</p>
        <ng-content select="[empty]" />
      </div>
    } @else {
      <ng-content />
    }
  `,
  styles: `
    .state {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 8px;
      padding: 32px 16px;
      text-align: center;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PageState {
  readonly loading = input(false);
  readonly error = input<ApiError | null>(null);
  readonly empty = input(false);
  readonly emptyText = input('Nothing here yet.');
  readonly retry = output<void>();
}
