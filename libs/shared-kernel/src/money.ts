/**
 * Money is integer micro-dollars (1 USD = 1_000_000), as bigint in code and Postgres and as a decimal
 * string in JSON and Kafka. Never a float.
 */
export type Micros = bigint;

export const MICROS_PER_DOLLAR = 1_000_000n;

export const microsToString = (m: Micros): string => m.toString();

export const microsFromString = (s: string): Micros => {
  if (!/^-?\d+$/.test(s)) throw new Error(`Not an integer micro-dollar amount: ${s}`);
  return BigInt(s);
};

/**
 * tokens × price (micro-dollars per million tokens) summed over parts, rounded half up to a whole
 * micro-dollar once per request, so rounding never compounds per token.
 */
export const costOfTokens = (parts: ReadonlyArray<{ tokens: number; pricePerMillion: Micros }>): Micros => {
  let millionths = 0n;
  for (const { tokens, pricePerMillion } of parts) millionths += BigInt(tokens) * pricePerMillion;
  return (millionths + 500_000n) / 1_000_000n;
};
