import { countTokens } from 'gpt-tokenizer';

/** Text that looks like a special token (`<|endoftext|>`) is counted as plain text, never an error. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Up to this many UTF-16 code units in all are tokenized exactly. gpt-tokenizer does roughly 10–25
 * KB per millisecond here, so this is well under a millisecond of event loop.
 */
export const EXACT_TOKENIZE_CHARS = 8_192;

/** Longer texts are sampled: this many evenly spaced windows, EXACT_TOKENIZE_CHARS in total. */
const SAMPLES = 16;
const SAMPLE_CHARS = EXACT_TOKENIZE_CHARS / SAMPLES;

/** A token is at least one UTF-8 byte, and one UTF-16 code unit is at most three. */
const MAX_TOKENS_PER_CHAR = 3;

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Tokens of these texts in o200k (the GPT-4o family's encoding), bounded in time whatever their
 * size: up to EXACT_TOKENIZE_CHARS in all they are counted exactly; beyond that the count is
 * extrapolated from evenly spaced samples of the same total size (within a few per cent for text of
 * one kind; never more than three tokens per character). So a 16 MiB prompt costs about as much to
 * estimate as an 8 KiB one: the lengths are summed, the bytes are never scanned.
 */
export function estimateTokens(texts: readonly string[]): number {
  let chars = 0;
  for (const text of texts) chars += text.length;
  if (chars <= EXACT_TOKENIZE_CHARS) {
    let tokens = 0;
    for (const text of texts) if (text.length > 0) tokens += countTokens(text, PLAIN_TEXT);
    return tokens;
  }
  let sampledChars = 0;
  let sampledTokens = 0;
  // Window k starts at the k-th of SAMPLES equal stretches of all the texts laid end to end.
  let textIndex = 0;
  let textStart = 0;
  for (let k = 0; k < SAMPLES; k++) {
    const at = Math.floor((k * chars) / SAMPLES);
    while (textStart + texts[textIndex]!.length <= at) textStart += texts[textIndex++]!.length;
    const text = texts[textIndex]!;
    let from = at - textStart;
    let to = Math.min(text.length, from + SAMPLE_CHARS);
    // Never cut a surrogate pair in two.
    if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
    if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to++;
    if (to <= from) continue;
    sampledChars += to - from;
    sampledTokens += countTokens(text.slice(from, to), PLAIN_TEXT);
  }
  const perChar = sampledChars > 0 ? sampledTokens / sampledChars : MAX_TOKENS_PER_CHAR;
  return Math.ceil(chars * Math.min(perChar, MAX_TOKENS_PER_CHAR));
}
