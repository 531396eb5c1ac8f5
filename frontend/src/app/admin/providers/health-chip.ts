import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { STATUS_ICON, STATUS_TEXT, type HealthStatus } from './provider-health';

/** A provider's health as a chip with its word (never colour alone); "No data" when unknown. */
@Component({
  selector: 'gw-health-chip',
  imports: [MatIconModule],
  template: `<span class="chip" [class]="'chip ' + (status() ?? 'unknown')"
    ><mat-icon aria-hidden="true" inline>{{ icon() }}</mat-icon> {{ text() }}</span
  >`,
  styles: `
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      padding: 2px 10px;
      border-radius: 999px;
      font: var(--mat-sys-label-large);
      white-space: nowrap;
    }
    .healthy {
      background: light-dark(#d7f5dd, #133d1c);
      color: light-dark(#0b4d1b, #b9f0c4);
    }
    .degraded {
      background: light-dark(#ffecb3, #4a3500);
      color: light-dark(#4a3000, #ffe08a);
    }
    .down {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .unknown {
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HealthChip {
  readonly status = input<HealthStatus | null>(null);
  protected readonly text = computed(() => {
    const s = this.status();
    return s ? STATUS_TEXT[s] : 'No data';
  });
  protected readonly icon = computed(() => {
    const s = this.status();
    return s ? STATUS_ICON[s] : 'help';
  });
}
