import { parseRepriceArgs } from './usage-reprice';

describe('usage:reprice arguments', () => {
  it('reads the model, the range, the reason and --dry-run', () => {
    expect(
      parseRepriceArgs([
        '--model',
        'acme/m1',
        '--from',
        '2026-11-01',
        '--to',
        '2026-12-01T00:00:00Z',
        '--dry-run',
      ]),
    ).toEqual({
      modelId: 'acme/m1',
      from: new Date('2026-11-01T00:00:00.000Z'),
      to: new Date('2026-12-01T00:00:00.000Z'),
      reason: 'price correction',
      dryRun: true,
    });
  });

  it.each([
    [['--from', '2026-11-01', '--to', '2026-12-01'], '--model'],
    [['--model', 'acme/m1', '--from', 'yesterday', '--to', '2026-12-01'], '--from'],
    [['--model', 'acme/m1', '--from', '2026-12-01', '--to', '2026-11-01'], '--from must be before --to'],
    [['--model', 'acme/m1', '--from', '2026-11-01', '--to', '2026-12-01', '--force'], "'--force'"],
  ])('refuses %j, naming %s', (args, what) => {
    const parsed = parseRepriceArgs(args);
    expect('error' in parsed && parsed.error).toContain(what);
  });
});
