import { ValidationError } from '@gw/shared-kernel';
import { paidParamsOf, refusedPaidParam, validateAllowedPaidParams } from './paid-params';

describe('paidParamsOf', () => {
  it('finds nothing in a plain request, nor in the priced defaults', () => {
    expect(paidParamsOf({})).toEqual([]);
    expect(
      paidParamsOf({
        service_tier: 'auto',
        store: false,
        modalities: ['text'],
        audio: null,
        prediction: null,
        web_search_options: null,
      }),
    ).toEqual([]);
    expect(paidParamsOf({ service_tier: 'default' })).toEqual([]);
  });

  it.each([
    [{ service_tier: 'priority' }, 'service_tier', 'service_tier'],
    [{ service_tier: 'flex' }, 'service_tier', 'service_tier'],
    [{ store: true }, 'store', 'store'],
    [{ web_search_options: {} }, 'web_search_options', 'web_search_options'],
    [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio', 'audio'],
    [{ modalities: ['text', 'audio'] }, 'audio', 'modalities'],
    [{ prediction: { type: 'content', content: 'x' } }, 'prediction', 'prediction'],
  ])('%j asks for %s (param %s)', (request, feature, param) => {
    expect(paidParamsOf(request)).toEqual([{ feature, param }]);
  });

  it('audio output asked both ways counts once, named by `audio`', () => {
    expect(paidParamsOf({ audio: { voice: 'alloy' }, modalities: ['audio'] })).toEqual([
      { feature: 'audio', param: 'audio' },
    ]);
  });
});

describe('refusedPaidParam', () => {
  const uses = paidParamsOf({ service_tier: 'priority', store: true });

  it('a provider without allowances refuses the first use', () => {
    expect(refusedPaidParam(uses, undefined)).toEqual({ feature: 'service_tier', param: 'service_tier' });
    expect(refusedPaidParam(uses, [])).toEqual({ feature: 'service_tier', param: 'service_tier' });
  });

  it('refuses what is not allowed, and nothing when all is', () => {
    expect(refusedPaidParam(uses, ['service_tier'])).toEqual({ feature: 'store', param: 'store' });
    expect(refusedPaidParam(uses, ['store', 'service_tier'])).toBeUndefined();
    expect(refusedPaidParam([], undefined)).toBeUndefined();
  });
});

describe('validateAllowedPaidParams', () => {
  it('accepts absence, none, and known names', () => {
    expect(() => validateAllowedPaidParams(undefined)).not.toThrow();
    expect(() => validateAllowedPaidParams([])).not.toThrow();
    expect(() => validateAllowedPaidParams(['store', 'audio'])).not.toThrow();
  });

  it.each([[['turbo']], [['store', 'store']], ['store'], [[1]]])('refuses %j', (allowed) => {
    expect(() => validateAllowedPaidParams(allowed)).toThrow(ValidationError);
  });
});
