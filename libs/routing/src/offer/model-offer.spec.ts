import { catalogModel } from '@gw/catalog/testing';
import { DEFAULT_ROUTING_POLICY, type RoutingPolicy } from '../domain/routing-policy';
import { MODEL_ALIASES, powerLevelsOffering, publicHealthOf } from './model-offer';

const closed = { state: 'closed' as const, recentErrorRate: 0, pausedUntil: null };
const NOW = Date.parse('2026-12-06T12:00:00Z');

/** A policy whose eco level allows at most `eco` micro-dollars per 1K tokens. */
const withEcoLimit = (eco: bigint): RoutingPolicy => ({
  ...DEFAULT_ROUTING_POLICY,
  levels: {
    ...DEFAULT_ROUTING_POLICY.levels,
    eco: { ...DEFAULT_ROUTING_POLICY.levels.eco, maxPricePer1k: eco },
  },
});

describe('powerLevelsOffering', () => {
  // catalogModel: 0.1 $/M in, 0.4 $/M out → blended 250 micro-dollars per 1M = 0.25 per 1K.
  it('given a cheap model offered everywhere, then every level whose price limit it fits', () => {
    expect(powerLevelsOffering(catalogModel('a/m'), DEFAULT_ROUTING_POLICY)).toEqual([
      'eco',
      'balanced',
      'precision',
    ]);
  });

  it('given the eco price limit below the model blended price, then eco is not among its levels', () => {
    expect(powerLevelsOffering(catalogModel('a/m'), withEcoLimit(0n))).toEqual(['balanced', 'precision']);
  });

  it('given a model offered only at precision, then only precision', () => {
    expect(
      powerLevelsOffering(catalogModel('a/m', { powerLevels: ['precision'] }), DEFAULT_ROUTING_POLICY),
    ).toEqual(['precision']);
  });

  it('given a deprecated or disabled model, then no level (routing never picks it)', () => {
    const deprecated = catalogModel('a/m', { deprecation: { replacement: null } });
    expect(powerLevelsOffering(deprecated, DEFAULT_ROUTING_POLICY)).toEqual([]);
    expect(powerLevelsOffering(catalogModel('a/m', { enabled: false }), DEFAULT_ROUTING_POLICY)).toEqual([]);
  });
});

describe('publicHealthOf', () => {
  it('maps status and circuit to what users read', () => {
    expect(publicHealthOf('active', closed, NOW)).toBe('healthy');
    expect(publicHealthOf('active', { ...closed, recentErrorRate: 0.5 }, NOW)).toBe('degraded');
    expect(publicHealthOf('active', { ...closed, state: 'half_open' }, NOW)).toBe('degraded');
    expect(publicHealthOf('active', { ...closed, state: 'open' }, NOW)).toBe('down');
    expect(publicHealthOf('disabled', closed, NOW)).toBe('down');
    expect(publicHealthOf('unreachable', closed, NOW)).toBe('down');
    expect(publicHealthOf('needs_key', closed, NOW)).toBe('unknown');
  });

  it('a retry-after pause in force is down; one that has passed is not', () => {
    const later = new Date(NOW + 1000).toISOString();
    const earlier = new Date(NOW - 1000).toISOString();
    expect(publicHealthOf('active', { ...closed, pausedUntil: later }, NOW)).toBe('down');
    expect(publicHealthOf('active', { ...closed, pausedUntil: earlier }, NOW)).toBe('healthy');
  });
});

describe('MODEL_ALIASES', () => {
  it('names auto and one alias per power level, each described', () => {
    expect(MODEL_ALIASES.map((a) => a.name)).toEqual(['auto', 'eco', 'balanced', 'precision']);
    for (const a of MODEL_ALIASES) expect(a.description.length).toBeGreaterThan(10);
  });
});
