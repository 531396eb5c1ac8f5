import { providerStatus, publicHealthFromStatus, type ProviderStatusInput } from './provider-status';

const quiet: ProviderStatusInput = { lastChange: null, recent: { attempts: 0, failures: 0 } };

describe('providerStatus', () => {
  it('given no changes and no traffic, when asked, then healthy', () => {
    expect(providerStatus(quiet)).toBe('healthy');
  });

  it('given the latest change is degraded with no recovery after it, then down', () => {
    expect(providerStatus({ ...quiet, lastChange: { kind: 'degraded' } })).toBe('down');
    // even with good traffic since (another instance's circuit may still be open)
    expect(providerStatus({ lastChange: { kind: 'degraded' }, recent: { attempts: 100, failures: 0 } })).toBe(
      'down',
    );
  });

  it('given a recovery after the last degradation and little failure, then healthy', () => {
    expect(
      providerStatus({ lastChange: { kind: 'recovered' }, recent: { attempts: 100, failures: 2 } }),
    ).toBe('healthy');
  });

  it('given at least 3 failures that are at least 10 % of the last 15 minutes, then degraded', () => {
    expect(providerStatus({ ...quiet, recent: { attempts: 30, failures: 3 } })).toBe('degraded');
    expect(providerStatus({ ...quiet, recent: { attempts: 3, failures: 3 } })).toBe('degraded');
  });

  it('given 3 failures that are under 10 %, or 10 % that are only 2 failures, then healthy', () => {
    expect(providerStatus({ ...quiet, recent: { attempts: 31, failures: 3 } })).toBe('healthy');
    expect(providerStatus({ ...quiet, recent: { attempts: 20, failures: 2 } })).toBe('healthy');
  });

  it('given a half-open breaker (on trial), then degraded', () => {
    expect(providerStatus({ ...quiet, breaker: 'half_open' })).toBe('degraded');
    expect(providerStatus({ ...quiet, breaker: 'closed' })).toBe('healthy');
  });
});

describe('publicHealthFromStatus', () => {
  it('what the catalog says cannot serve is down; without a platform key unknown; else the status', () => {
    expect(publicHealthFromStatus('disabled', 'healthy')).toBe('down');
    expect(publicHealthFromStatus('unreachable', 'healthy')).toBe('down');
    expect(publicHealthFromStatus('needs_key', 'healthy')).toBe('unknown');
    expect(publicHealthFromStatus('needs_key', 'down')).toBe('down');
    expect(publicHealthFromStatus('active', 'degraded')).toBe('degraded');
    expect(publicHealthFromStatus('active', 'down')).toBe('down');
    expect(publicHealthFromStatus('active', 'healthy')).toBe('healthy');
  });
});
