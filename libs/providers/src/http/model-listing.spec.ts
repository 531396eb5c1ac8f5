import { listedIds } from './model-listing';

describe('listedIds', () => {
  it('reads the ids of a listing in order, skipping entries without a string id', () => {
    expect(
      listedIds({ data: [{ id: 'a' }, { id: '' }, { id: 3 }, null, 'b', { id: 'c' }] }, 'data', 'id'),
    ).toEqual(['a', 'c']);
    expect(listedIds({ models: [{ name: 'm' }] }, 'models', 'name')).toEqual(['m']);
  });

  it('is undefined for answers that are not a listing', () => {
    expect(listedIds(null, 'data', 'id')).toBeUndefined();
    expect(listedIds([{ id: 'a' }], 'data', 'id')).toBeUndefined();
    expect(listedIds({ data: 'a' }, 'data', 'id')).toBeUndefined();
    expect(listedIds({}, 'data', 'id')).toBeUndefined();
  });

  it('reads a missing list as empty only when told to (Google leaves out empty lists)', () => {
    expect(listedIds({}, 'models', 'name', { missingIsEmpty: true })).toEqual([]);
    expect(listedIds({ models: {} }, 'models', 'name', { missingIsEmpty: true })).toBeUndefined();
  });
});
