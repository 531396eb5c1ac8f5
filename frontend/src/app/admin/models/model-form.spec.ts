import { FormControl } from '@angular/forms';
import { aModel, MODELS } from './admin-models-fixtures';
import {
  addBodyFromForm,
  changeBodyFromForm,
  dollarsToMicros,
  dollarsValidator,
  EMPTY_FORM,
  formatTokens,
  formFromModel,
  matchesFilters,
  microsToDollars,
  NO_FILTERS,
  sortModels,
  tokensValidator,
} from './model-form';
import { formatPrice } from './price.pipe';

describe('model form', () => {
  it('turns dollars per 1M tokens into the API’s micro-dollars exactly, and back', () => {
    expect(dollarsToMicros('2.50')).toBe('2500000');
    expect(dollarsToMicros('$0.15')).toBe('150000');
    expect(dollarsToMicros('0.000001')).toBe('1');
    expect(dollarsToMicros('0.1')).toBe('100000'); // no float: 0.1 is exact
    expect(dollarsToMicros('1.0000001')).toBeNull(); // finer than a micro-dollar
    expect(dollarsToMicros('-1')).toBeNull();
    expect(dollarsToMicros('abc')).toBeNull();
    expect(dollarsToMicros('99999999')).toBeNull(); // beyond the API's 13 digits
    expect(microsToDollars('2500000')).toBe('2.50');
    expect(microsToDollars('150000')).toBe('0.15');
    expect(microsToDollars('1')).toBe('0.000001');
    expect(microsToDollars('0')).toBe('0.00');
  });

  it('shows prices with as many decimals as they need, 2 to 6', () => {
    expect(formatPrice('2500000')).toBe('$2.50');
    expect(formatPrice('125000')).toBe('$0.125');
    expect(formatPrice('5000')).toBe('$0.005');
    expect(formatPrice('1')).toBe('$0.000001');
    expect(formatPrice('1234567890')).toBe('$1,234.56789');
  });

  it('validates amounts and token counts, optional fields taking empty', () => {
    expect(dollarsValidator(true)(new FormControl(''))).toEqual({ required: true });
    expect(dollarsValidator(false)(new FormControl(''))).toBeNull();
    expect(dollarsValidator(false)(new FormControl('1.2.3'))).toEqual({ dollars: true });
    expect(tokensValidator(true)(new FormControl('128,000'))).toBeNull();
    expect(tokensValidator(true)(new FormControl('0'))).toEqual({ tokens: true });
    expect(tokensValidator(true)(new FormControl('1.5'))).toEqual({ tokens: true });
  });

  it('builds the add body with every price spelled out (defaults as the gateway fills them)', () => {
    const body = addBodyFromForm({
      ...EMPTY_FORM,
      provider: 'acme',
      model: ' lab/rocket-2 ',
      input: '3',
      output: '15.00',
      cacheWrite: '3.75',
      perRequest: '0.005',
      longAbove: '200000',
      longInput: '6',
      longOutput: '22.50',
      powerLevels: { eco: false, balanced: true, precision: true },
    });
    expect(body).toEqual({
      provider: 'acme',
      model: 'lab/rocket-2',
      displayName: 'lab/rocket-2',
      prices: {
        inputPerMillionMicros: '3000000',
        outputPerMillionMicros: '15000000',
        cachedInputPerMillionMicros: '3000000',
        cacheWritePerMillionMicros: '3750000',
        cacheWrite1hPerMillionMicros: '3750000',
        perRequestMicros: '5000',
        longContext: {
          aboveTokens: 200_000,
          inputPerMillionMicros: '6000000',
          outputPerMillionMicros: '22500000',
        },
      },
      contextWindow: 128_000,
      maxOutputTokens: 8192,
      capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
      powerLevels: ['balanced', 'precision'],
      minTier: 'free',
      enabled: true,
    });
  });

  it('sends nothing for an untouched edit, and prices only when a price changed', () => {
    const model = MODELS[2]!;
    expect(changeBodyFromForm(model, formFromModel(model))).toEqual({});
    expect(changeBodyFromForm(model, { ...formFromModel(model), displayName: 'Big' })).toEqual({
      displayName: 'Big',
    });
    const body = changeBodyFromForm(model, { ...formFromModel(model), input: '16' });
    expect(Object.keys(body)).toEqual(['prices']);
    expect(body.prices).toMatchObject({
      inputPerMillionMicros: '16000000',
      outputPerMillionMicros: '60000000',
      perRequestMicros: '5000',
      longContext: { aboveTokens: 200_000 },
    });
  });

  it('filters by text, provider and status; deprecated matches whether enabled or not', () => {
    const ids = (f: Partial<typeof NO_FILTERS>) =>
      MODELS.filter((m) => matchesFilters(m, { ...NO_FILTERS, ...f })).map((m) => m.id);
    expect(ids({ search: 'PEB' })).toEqual(['acme/pebble']);
    expect(ids({ provider: 'zeta' })).toEqual(['zeta/meta/big-70b']);
    expect(ids({ status: 'disabled' })).toEqual(['acme/pebble']);
    expect(ids({ status: 'enabled' })).toEqual(['acme/rocket-1', 'zeta/meta/big-70b']);
    expect(ids({ status: 'deprecated' })).toEqual(['zeta/meta/big-70b']);
  });

  it('sorts by price as integers, not as text', () => {
    const cheapFirst = sortModels(MODELS, { column: 'input', direction: 'asc' }).map((m) => m.id);
    expect(cheapFirst).toEqual(['acme/pebble', 'acme/rocket-1', 'zeta/meta/big-70b']);
    const dearFirst = sortModels(MODELS, { column: 'output', direction: 'desc' }).map((m) => m.id);
    expect(dearFirst).toEqual(['zeta/meta/big-70b', 'acme/rocket-1', 'acme/pebble']);
    expect(formatTokens(aModel().contextWindow)).toBe('128K');
    expect(formatTokens(1_000_000)).toBe('1M');
  });
});
