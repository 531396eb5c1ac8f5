import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MoneyPipe } from '../../shared/money';
import type { PreviewCandidate, PreviewExclusion, PreviewLevel } from './routing-api';

const REASONS: Readonly<Record<PreviewExclusion['reason'], string>> = {
  price: 'over the max price',
  tier: 'above the tier',
  disabled: 'disabled',
  deprecated: 'deprecated',
  unavailable: 'provider unavailable (circuit open or paused)',
  streaming: 'no streaming',
  tools: 'no tool calls',
  vision: 'no images',
  jsonMode: 'no JSON mode',
  contextWindow: 'context window too small',
  maxOutput: 'max output too small',
};

export interface Movement {
  /** Short text shown: ▲ 2, ▼ 1, new, = */
  readonly symbol: string;
  /** What a screen reader says. */
  readonly text: string;
  readonly kind: 'up' | 'down' | 'new' | 'same';
}

/** Where a candidate moved under the draft compared with the saved policy. */
export function movementOf(c: PreviewCandidate): Movement {
  if (c.savedRank === null)
    return { symbol: 'new', text: 'not a candidate under the saved policy', kind: 'new' };
  const d = c.savedRank - c.rank;
  if (d > 0) return { symbol: `▲ ${d}`, text: `up ${d} from rank ${c.savedRank}`, kind: 'up' };
  if (d < 0) return { symbol: `▼ ${-d}`, text: `down ${-d} from rank ${c.savedRank}`, kind: 'down' };
  return { symbol: '=', text: 'same rank as saved', kind: 'same' };
}

/** One power level's ranking under the draft: score, its movement against the saved policy, exclusions. */
@Component({
  selector: 'gw-preview-level',
  imports: [DecimalPipe, MoneyPipe],
  template: `
    @let l = level();
    <h3 [id]="headingId()">{{ label() }}</h3>
    @if (l.draft.chain; as chain) {
      <p class="chain-note" [class.warn]="!chain.applied">
        @if (chain.applied) {
          Follows the fallback chain ({{ chain.models.length }}
          {{ chain.models.length === 1 ? 'model' : 'models' }}), then the score order.
        } @else {
          Fallback chain skipped: none of its models can serve this request, so the score order applies.
        }
      </p>
    }
    @if (l.draft.candidates.length === 0) {
      <p class="gw-error" role="status">No model can serve this level under the draft.</p>
    } @else {
      <ol class="ranking" [attr.aria-labelledby]="headingId()" [attr.data-level]="l.powerLevel">
        @for (c of l.draft.candidates; track c.modelId) {
          @let m = move(c);
          <li class="candidate" [attr.data-model-id]="c.modelId" [class.first]="c.rank === 1">
            <span class="rank">{{ c.rank }}</span>
            <span class="name">
              <span class="display">{{ c.displayName }}</span>
              <span class="gw-muted meta"
                >{{ c.provider }} · {{ c.pricePer1kMicros | money: 6 }}/1K ·
                {{ c.latencyMs | number: '1.0-0' }} ms
                @if (c.overLatencyBound) {
                  · <span class="warn">over the latency bound</span>
                }
                @if (c.preferred) {
                  · preferred
                }
                @if (!c.withinAttempts) {
                  · beyond max attempts
                }
              </span>
              <span class="gw-muted parts"
                >cost {{ c.components.cost | number: '1.2-2' }} · latency
                {{ c.components.latency | number: '1.2-2' }} · quality
                {{ c.components.quality | number: '1.2-2' }}
                @if (c.components.errorPenalty > 0) {
                  · error penalty {{ c.components.errorPenalty | number: '1.2-2' }}
                }
                @if (c.components.preference; as p) {
                  · preference +{{ p | number: '1.2-2' }}
                }
                @if (c.components.byok; as b) {
                  · own key +{{ b | number: '1.2-2' }}
                }
                @if (c.components.rateLimit; as r) {
                  · <span class="warn">rate-limit penalty {{ r | number: '1.2-2' }}</span>
                }
              </span>
            </span>
            <span class="score" title="Score">{{ c.score | number: '1.3-3' }}</span>
            <span class="move" [class]="'move ' + m.kind"
              ><span aria-hidden="true">{{ m.symbol }}</span
              ><span class="gw-sr-only">{{ m.text }}</span></span
            >
          </li>
        }
      </ol>
    }
    @if (l.draft.excluded.length > 0) {
      <details class="excluded">
        <summary>{{ l.draft.excluded.length }} excluded</summary>
        <ul>
          @for (e of l.draft.excluded; track e.modelId) {
            <li>
              {{ e.displayName }} <span class="gw-muted">({{ e.provider }})</span>: {{ reason(e) }}
              @if (e.reason === 'price') {
                <span class="gw-muted">({{ e.pricePer1kMicros | money: 6 }}/1K)</span>
              }
            </li>
          }
        </ul>
      </details>
    }
  `,
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    h3 {
      font: var(--mat-sys-title-medium);
      margin: 12px 0 4px;
    }
    .ranking {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .candidate {
      display: grid;
      grid-template-columns: 1.5em minmax(0, 1fr) auto auto;
      gap: 2px 8px;
      align-items: start;
      padding: 6px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .candidate.first .display {
      font-weight: 600;
    }
    .rank,
    .score {
      font-variant-numeric: tabular-nums;
      text-align: right;
    }
    .name {
      display: flex;
      flex-direction: column;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .chain-note {
      margin: 0 0 4px;
      font: var(--mat-sys-body-small);
    }
    .meta,
    .parts {
      font: var(--mat-sys-body-small);
    }
    .warn {
      color: var(--mat-sys-error);
    }
    .move {
      min-width: 3.2em;
      text-align: center;
      border-radius: 8px;
      padding: 0 4px;
      font: var(--mat-sys-label-medium);
      border: 1px solid var(--mat-sys-outline-variant);
    }
    .move.up {
      color: #0b6b2e;
    }
    .move.down {
      color: var(--mat-sys-error);
    }
    .excluded {
      margin-top: 6px;
      font: var(--mat-sys-body-small);
    }
    .excluded ul {
      margin: 4px 0;
      padding-left: 18px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PreviewLevelView {
  readonly level = input.required<PreviewLevel>();
  readonly label = input.required<string>();
  protected readonly headingId = computed(() => `preview-${this.level().powerLevel}`);
  protected readonly move = movementOf;
  protected reason(e: PreviewExclusion): string {
    return REASONS[e.reason] ?? e.reason;
  }
}
