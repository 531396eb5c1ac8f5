import { paidParamsOf, type CatalogProvider } from '@gw/catalog';
import { ValidationError } from '@gw/shared-kernel';
import { candidatesAllowingPaidParams } from './paid-params';

const providers = new Map<string, Pick<CatalogProvider, 'allowedPaidParams'>>([
  ['plain', {}],
  ['tiered', { allowedPaidParams: ['service_tier'] }],
  [
    'everything',
    { allowedPaidParams: ['service_tier', 'store', 'web_search_options', 'audio', 'prediction'] },
  ],
]);
const candidates = [{ provider: 'plain' }, { provider: 'tiered' }, { provider: 'everything' }];

describe('candidatesAllowingPaidParams', () => {
  it('a request without paid features keeps every candidate, as the same array', () => {
    const uses = paidParamsOf({ service_tier: 'auto', store: false });
    expect(candidatesAllowingPaidParams(candidates, providers, uses)).toBe(candidates);
  });

  it('keeps only the candidates whose provider allows every feature asked for, in order', () => {
    expect(
      candidatesAllowingPaidParams(candidates, providers, paidParamsOf({ service_tier: 'priority' })),
    ).toEqual([{ provider: 'tiered' }, { provider: 'everything' }]);
    expect(
      candidatesAllowingPaidParams(
        candidates,
        providers,
        paidParamsOf({ service_tier: 'flex', store: true }),
      ),
    ).toEqual([{ provider: 'everything' }]);
  });

  it('none left is a 400 naming the field the request used', () => {
    const only = [{ provider: 'plain' }, { provider: 'tiered' }];
    const refuse = () =>
      candidatesAllowingPaidParams(only, providers, paidParamsOf({ modalities: ['text', 'audio'] }));
    expect(refuse).toThrow(ValidationError);
    try {
      refuse();
    } catch (e) {
      expect((e as ValidationError).code).toBe('REQUEST.UNSUPPORTED_PARAMETER');
      expect((e as ValidationError).details.param).toBe('modalities');
      expect((e as ValidationError).message).toContain('"audio"');
    }
  });

  it('an unknown provider allows nothing', () => {
    expect(() =>
      candidatesAllowingPaidParams([{ provider: 'gone' }], providers, paidParamsOf({ store: true })),
    ).toThrow(ValidationError);
  });
});
