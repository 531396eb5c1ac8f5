import { DEFAULT_BILLING_POLICY } from './billing-policy';
import { priceTypicalRequest, TYPICAL_REQUEST } from './typical-request';

// 0.1 $ per million input tokens, 0.4 $ per million output tokens.
const prices = { inputPerMillion: 100_000n, outputPerMillion: 400_000n, cachedInputPerMillion: 50_000n };

describe('priceTypicalRequest', () => {
  it('given 1,000 prompt and 500 completion tokens, the cost is 1,000 × 0.1 + 500 × 0.4 micro-dollars', () => {
    const price = priceTypicalRequest(
      prices,
      TYPICAL_REQUEST,
      { powerLevel: 'precision', tier: 'free', keySource: 'platform' },
      DEFAULT_BILLING_POLICY,
    );
    expect(price).toEqual({ providerCostMicros: 300n, chargedMicros: 300n });
  });

  it('charges as the chat path does: level multiplier and tier markup on the platform key', () => {
    // 300 × 0.25 (balanced) × 1.4 (starter markup) = 105
    const price = priceTypicalRequest(
      prices,
      TYPICAL_REQUEST,
      { powerLevel: 'balanced', tier: 'starter', keySource: 'platform' },
      DEFAULT_BILLING_POLICY,
    );
    expect(price.chargedMicros).toBe(105n);
  });

  it('charges the BYOK fee when the caller’s own key pays', () => {
    const price = priceTypicalRequest(
      prices,
      TYPICAL_REQUEST,
      { powerLevel: 'precision', tier: 'professional', keySource: 'byok' },
      DEFAULT_BILLING_POLICY,
    );
    expect(price).toEqual({ providerCostMicros: 300n, chargedMicros: 30n });
  });

  it('a price change changes the estimate', () => {
    const basis = { powerLevel: 'precision', tier: 'free', keySource: 'platform' } as const;
    const dearer = { ...prices, outputPerMillion: 800_000n };
    expect(priceTypicalRequest(dearer, TYPICAL_REQUEST, basis, DEFAULT_BILLING_POLICY).chargedMicros).toBe(
      500n,
    );
  });
});
