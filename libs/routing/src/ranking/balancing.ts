import type { BalancingRecord } from '../domain/request.events';
import type { BalancingPolicy } from '../domain/routing-policy';

interface Balanceable {
  readonly modelId: string;
  readonly provider: string;
  readonly score: number;
  readonly components: { readonly rateLimit?: number };
}

/**
 * A uniform number in [0, 1) from a request id: FNV-1a over its UTF-16 code units, then murmur3's
 * finaliser (so ids that differ in one character land far apart), over 2^32. The same id always
 * gives the same number; nothing is allocated.
 */
export function drawOf(requestId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    h ^= requestId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

/** A candidate's weight: its model's, else its provider's, else 1 (negative counts as 0). */
const weightOf = (weights: BalancingPolicy['weights'], c: Balanceable): number => {
  const w = Object.hasOwn(weights, c.modelId)
    ? weights[c.modelId]!
    : Object.hasOwn(weights, c.provider)
      ? weights[c.provider]!
      : 1;
  return w > 0 ? w : 0;
};

/**
 * Weighted balancing: the candidates (best first) whose score is at least best × (1 − band/100) and
 * that are under their provider's rate limit form the pool; with two or more, the one tried first is
 * drawn with probability ∝ weight from the request id's number (drawOf), and moves to the front, the
 * others keep their order. Undefined (keep the order) when disabled, with fewer than two in the pool,
 * or when every weight in the pool is 0.
 */
export function balance<C extends Balanceable>(
  candidates: readonly C[],
  policy: BalancingPolicy,
  requestId: string,
): { candidates: C[]; record: BalancingRecord } | undefined {
  if (!policy.enabled || candidates.length < 2) return undefined;
  const best = candidates[0]!;
  if (best.components.rateLimit === 1) return undefined;
  const floor = best.score * (1 - policy.bandPercent / 100);
  let size = 0;
  let total = 0;
  while (size < candidates.length) {
    const c = candidates[size]!;
    if (c.score < floor || c.components.rateLimit === 1) break;
    total += weightOf(policy.weights, c);
    size++;
  }
  if (size < 2 || total <= 0) return undefined;
  const draw = drawOf(requestId);
  let target = draw * total;
  let chosen = size - 1;
  for (let i = 0; i < size; i++) {
    const w = weightOf(policy.weights, candidates[i]!);
    if (w > 0 && target < w) {
      chosen = i;
      break;
    }
    target -= w;
  }
  // Rounding can leave the target just past the last weight: the last with a weight is chosen.
  while (weightOf(policy.weights, candidates[chosen]!) === 0) chosen--;
  const pick = candidates[chosen]!;
  const ordered = [pick];
  for (let i = 0; i < candidates.length; i++) if (i !== chosen) ordered.push(candidates[i]!);
  const pool: string[] = [];
  for (let i = 0; i < size; i++) pool.push(candidates[i]!.modelId);
  return {
    candidates: ordered,
    record: {
      bandPercent: policy.bandPercent,
      pool,
      draw: Math.round(draw * 1e6) / 1e6,
      chosen: pick.modelId,
    },
  };
}
