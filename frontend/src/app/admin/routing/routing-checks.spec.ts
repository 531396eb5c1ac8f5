import { ApiError } from '../../core/http/api-error';
import { draftProblems, fieldOfParam, modelsOf, numberIn, wholeIn } from './routing-checks';
import { draftOf } from './routing-draft';
import { paramOf } from './routing-errors';
import { policyView, previewView } from './routing-fixtures';

describe('routing checks', () => {
  it('parses whole numbers and numbers within bounds, refusing empty, fractional and out-of-range text', () => {
    expect(wholeIn('2000', 100, 600_000)).toBe(2000);
    expect(wholeIn('99', 100, 600_000)).toBeNull();
    expect(wholeIn('150.5', 100, 600_000)).toBeNull();
    expect(wholeIn(' ', 100, 600_000)).toBeNull();
    expect(numberIn('0.07', 0, 1)).toBe(0.07);
    expect(numberIn('1.5', 0, 1)).toBeNull();
  });

  it('lists every model of the preview once, sorted by id', () => {
    expect(modelsOf(previewView()).map((m) => m.id)).toEqual([
      'mock-sage/sage-large',
      'mock-sage/sage-medium',
      'mock-swift/swift-mini',
    ]);
    expect(modelsOf(null)).toEqual([]);
  });

  it('refuses a use case without models and a provider limit without rpm or tpm', () => {
    const d = draftOf(policyView());
    expect(draftProblems(d)).toEqual({});
    d.useCases = { code: [], chat: ['mock-swift/swift-mini'] };
    d.providerLimits = { 'mock-sage': {}, 'mock-swift': { rpm: 10 } };
    expect(Object.keys(draftProblems(d))).toEqual(['useCases.code', 'providerLimits.mock-sage']);
  });

  it('maps the gateway param to the page field', () => {
    expect(fieldOfParam('levels.eco.latencyCapMs')).toBe('levels.eco.latencyCapMs');
    expect(fieldOfParam('levels.precision.chain[2]')).toBe('levels.precision.chain');
    expect(fieldOfParam('levels.eco.maxPricePer1k')).toBe('eco.maxPrice');
    expect(fieldOfParam('levels.balanced.latencyBoundMs')).toBe('balanced.latency');
    expect(fieldOfParam('attemptTimeoutMs')).toBe('attemptTimeout');
    expect(fieldOfParam('providerLimits.openai.rpm')).toBe('providerLimits.openai.rpm');
  });

  it('takes the param from the body, else from the setting the message starts with', () => {
    const err = (detail: string, param: string | null = null) =>
      new ApiError(400, 'REQUEST.INVALID_PARAMETER', 'invalid_request_error', detail, null, param);
    expect(paramOf(err('whatever', 'balancing.bandPercent'))).toBe('balancing.bandPercent');
    expect(paramOf(err('useCases.code must name at least one model'))).toBe('useCases.code');
    expect(paramOf(err('levels.eco.latencyCapMs must not be greater than 600000'))).toBe(
      'levels.eco.latencyCapMs',
    );
    expect(paramOf(err('providerLimits.mock-sage.rpm must be a whole number'))).toBe(
      'providerLimits.mock-sage.rpm',
    );
    expect(paramOf(err('requestDeadlineMs must be an integer from 1,000 to 1,800,000'))).toBe(
      'requestDeadlineMs',
    );
    expect(paramOf(err('The policy is at version 3, not 2'))).toBeNull();
  });
});
