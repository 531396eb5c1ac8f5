import { MODELS } from './models-fixtures';
import {
  DEFAULT_SORT,
  formatPrice,
  formatTokens,
  isFiltered,
  matches,
  NO_FILTERS,
  sortModels,
  type ModelFilters,
} from './models-filter';

const ids = (f: Partial<ModelFilters>): string[] =>
  MODELS.filter((m) => matches(m, { ...NO_FILTERS, ...f })).map((m) => m.id);

describe('model filters', () => {
  it('no filter keeps every model', () => {
    expect(ids({})).toEqual(['swift/mini', 'sage/medium', 'sage/max']);
    expect(isFiltered(NO_FILTERS)).toBe(false);
  });
  it('searches name, id and provider, ignoring case and spaces around', () => {
    expect(ids({ search: '  MINI ' })).toEqual(['swift/mini']);
    expect(ids({ search: 'sage/' })).toEqual(['sage/medium', 'sage/max']);
    expect(ids({ search: 'labs' })).toEqual(['sage/medium', 'sage/max']);
    expect(ids({ search: 'nothing like it' })).toEqual([]);
  });
  it('filters by provider, capability, smallest context window, power level and my tier', () => {
    expect(ids({ provider: 'sage' })).toEqual(['sage/medium', 'sage/max']);
    expect(ids({ capability: 'vision' })).toEqual(['sage/medium', 'sage/max']);
    expect(ids({ minContext: 200_000 })).toEqual(['sage/medium', 'sage/max']);
    expect(ids({ minContext: 1_000_000 })).toEqual(['sage/max']);
    expect(ids({ powerLevel: 'eco' })).toEqual(['swift/mini']);
    expect(ids({ usableOnly: true })).toEqual(['swift/mini', 'sage/medium']);
    expect(ids({ capability: 'tools', usableOnly: true })).toEqual(['swift/mini']);
    expect(isFiltered({ ...NO_FILTERS, usableOnly: true })).toBe(true);
  });
});

describe('model sort', () => {
  const sorted = (column: (typeof DEFAULT_SORT)['column'], direction: 'asc' | 'desc') =>
    sortModels(MODELS, { column, direction }).map((m) => m.id);

  it('by name by default', () =>
    expect(sorted('name', 'asc')).toEqual(['sage/max', 'sage/medium', 'swift/mini']));
  it('by price as integers, not as text ("75000" < "150000" < "3000000")', () => {
    expect(sorted('input', 'asc')).toEqual(['sage/max', 'swift/mini', 'sage/medium']);
    expect(sorted('input', 'desc')).toEqual(['sage/medium', 'swift/mini', 'sage/max']);
    expect(sorted('output', 'desc')).toEqual(['sage/max', 'sage/medium', 'swift/mini']);
  });
  it('by context window and health (healthy first)', () => {
    expect(sorted('context', 'desc')).toEqual(['sage/max', 'sage/medium', 'swift/mini']);
    expect(sorted('health', 'asc')).toEqual(['swift/mini', 'sage/medium', 'sage/max']);
  });
  it('by latency, with a model not measured yet last either way', () => {
    expect(sorted('latency', 'asc')).toEqual(['swift/mini', 'sage/max', 'sage/medium']);
    expect(sorted('latency', 'desc')).toEqual(['sage/max', 'swift/mini', 'sage/medium']);
  });
  it('does not change the list it was given', () => {
    const before = MODELS.map((m) => m.id);
    sortModels(MODELS, { column: 'input', direction: 'desc' });
    expect(MODELS.map((m) => m.id)).toEqual(before);
  });
});

describe('formatting', () => {
  it('prices per million tokens exactly, cents at least', () => {
    expect(formatPrice('150000')).toBe('$0.15');
    expect(formatPrice('75000')).toBe('$0.075');
    expect(formatPrice('15000000')).toBe('$15.00');
    expect(formatPrice('1234567')).toBe('$1.234567');
  });
  it('context windows in K and M', () => {
    expect(formatTokens(128_000)).toBe('128K');
    expect(formatTokens(1_000_000)).toBe('1M');
    expect(formatTokens(1_048_576)).toBe('1.05M');
    expect(formatTokens(8_192)).toBe('8.2K');
    expect(formatTokens(512)).toBe('512');
  });
});
