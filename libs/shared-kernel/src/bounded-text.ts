/**
 * How long a string copied from an upstream into an event may be (UTF-16 code units). An upstream's
 * answer is untrusted input: a `finish_reason` of a megabyte would otherwise become a megabyte event,
 * copied to every read model and Kafka message after it (docs/architecture.md, "What an upstream says").
 */
export const UPSTREAM_TEXT_BOUNDS = Object.freeze({
  /** OpenAI's values are short words (`stop`, `length`, …); unknown values are kept, bounded. */
  finishReason: 64,
  /** Completion ids, tool-call ids, response ids. */
  upstreamId: 256,
  /** Model names an upstream reports. */
  modelName: 256,
  /** Error text from an upstream (already redacted). */
  errorMessage: 1_024,
});

/** Appended to a string that was cut. */
export const TRUNCATION_MARKER = '…';

/**
 * `value` when it is a string of at most `max` UTF-16 code units; a longer string cut to `max` units,
 * the last one the marker, never splitting a surrogate pair; undefined when it is not a string.
 */
export function boundedText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length <= max) return value;
  if (max <= TRUNCATION_MARKER.length) return TRUNCATION_MARKER.slice(0, Math.max(0, max));
  let cut = max - TRUNCATION_MARKER.length;
  const last = value.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1; // a high surrogate whose pair would be cut off
  return `${value.slice(0, cut)}${TRUNCATION_MARKER}`;
}
