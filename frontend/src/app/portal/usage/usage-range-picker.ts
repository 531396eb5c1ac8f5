import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { formatDay } from './usage-format';
import {
  customRangeProblem,
  RANGE_PRESETS,
  type RangeChoice,
  type RangePreset,
  type ResolvedRange,
} from './usage-range';

/**
 * The usage dashboards' time range: a preset, or custom UTC dates checked before they are used, and the
 * range on screen in words. Used by /app/usage and /admin/usage; the page's store resolves the choice.
 */
@Component({
  selector: 'gw-usage-range-picker',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  templateUrl: './usage-range-picker.html',
  styleUrl: './usage-range-picker.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsageRangePicker {
  /** The range on screen (null while none is resolved). */
  readonly range = input<ResolvedRange | null>(null);
  /** The preset selected when the page opens. */
  readonly initial = input<RangePreset>('7d');
  readonly choose = output<RangeChoice>();

  protected readonly presets = RANGE_PRESETS;
  /** The preset shown as selected; "custom" shows the date fields before anything loads. */
  protected readonly preset = linkedSignal<RangePreset>(() => this.initial());
  protected readonly customFrom = signal('');
  protected readonly customTo = signal('');
  protected readonly customProblem = signal<string | null>(null);

  protected readonly rangeText = computed(() => {
    const r = this.range();
    if (!r) return '';
    const to = new Date(new Date(r.query.to).getTime() - 1).toISOString();
    return `${formatDay(r.query.from)} – ${formatDay(to)}`;
  });

  protected choosePreset(preset: RangePreset): void {
    this.preset.set(preset);
    this.customProblem.set(null);
    if (preset !== 'custom') {
      this.choose.emit({ preset });
      return;
    }
    // Start the date fields at the range on screen.
    const r = this.range();
    if (r && !this.customFrom()) {
      this.customFrom.set(r.query.from.slice(0, 10));
      this.customTo.set(new Date(new Date(r.query.to).getTime() - 1).toISOString().slice(0, 10));
    }
  }

  protected applyCustomRange(): void {
    const problem = customRangeProblem(this.customFrom(), this.customTo());
    this.customProblem.set(problem);
    if (problem === null)
      this.choose.emit({ preset: 'custom', customFrom: this.customFrom(), customTo: this.customTo() });
  }
}
