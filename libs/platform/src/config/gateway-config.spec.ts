import { ConfigError, loadConfig } from './gateway-config';

describe('loadConfig', () => {
  it('embedded by default, with the mock providers', () => {
    const config = loadConfig({});
    expect(config.embedded).toBe(true);
    expect(config.mock.enabled).toBe(true);
    expect(config.database.kind).toBe('pglite');
  });

  it('a full deployment gets mock providers only when asked', () => {
    const url = 'postgres://db.test/switchyard';
    expect(loadConfig({ DATABASE_URL: url }).mock.enabled).toBe(false);
    expect(loadConfig({ DATABASE_URL: url, MOCK_PROVIDERS: 'on' }).mock.enabled).toBe(true);
  });

  it('active probes: every 5 minutes by default, 0 turns them off, the mocks only when asked', () => {
    expect(loadConfig({}).probeIntervalMs).toBe(300_000);
    expect(loadConfig({ HEALTH_PROBE_INTERVAL_MS: '0' }).probeIntervalMs).toBe(0);
    expect(loadConfig({}).probeMocks).toBe(false);
    expect(loadConfig({ HEALTH_PROBE_MOCKS: 'on' }).probeMocks).toBe(true);
    expect(() => loadConfig({ HEALTH_PROBE_INTERVAL_MS: '5' })).toThrow(ConfigError);
  });

  it('passes the vault keys through untouched (the vault validates them)', () => {
    const config = loadConfig({ VAULT_KEYS: '1:abc', VAULT_FINGERPRINT_KEY: 'def' });
    expect(config.vault).toEqual({ keys: '1:abc', fingerprintKey: 'def' });
    expect(loadConfig({ VAULT_KEYS: '' }).vault).toEqual({ keys: undefined, fingerprintKey: undefined });
  });
});
