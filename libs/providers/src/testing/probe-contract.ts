import { MAX_PROBED_MODELS, type ProbeTarget, type UpstreamProvider } from '../upstream-provider.port';
import { expectNoKey, freePort, upstreamErrorOf } from './upstream-test-helpers';

/** One adapter and the fake upstream it runs against, for the shared probe suite. */
export interface ProbeContractSubject {
  /** A fresh adapter; the suite closes it after each test. */
  makeProvider(): UpstreamProvider & { close(): Promise<void> };
  /** A target at the fake with the key it accepts (read after the suite's beforeAll hooks ran). */
  target(): ProbeTarget;
  /** What the fake lists for that key, in order (at most MAX_PROBED_MODELS). */
  readonly models: readonly string[];
  /** A target whose next probe the fake answers 429 with `retry-after: <seconds>`. */
  rateLimited(retryAfterSeconds: number): ProbeTarget;
  /**
   * The key as the fake received it with the last probe, read from the vendor's own header; leave
   * it out for a fake that accepts the key only in that header anyway.
   */
  keySeen?(): string | undefined;
}

/**
 * What every UpstreamProvider's `probe` does, whatever the vendor: lists the models with the key in
 * the vendor's header, and fails with the same UpstreamError kinds as chat calls, never with the key.
 */
export const probeContract = (name: string, subject: ProbeContractSubject): void =>
  describe(`UpstreamProvider probe contract: ${name}`, () => {
    let provider: UpstreamProvider & { close(): Promise<void> };
    beforeEach(() => {
      provider = subject.makeProvider();
    });
    afterEach(() => provider.close());

    it('lists the models with the status and the latency, sending the key in the vendor header', async () => {
      const target = subject.target();

      const result = await provider.probe(target);

      expect(result.status).toBe(200);
      expect(result.models).toEqual(subject.models.slice(0, MAX_PROBED_MODELS));
      expect(Number.isFinite(result.latencyMs)).toBe(true);
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.latencyMs).toBeLessThan(5_000);
      if (subject.keySeen) expect(subject.keySeen()).toBe(target.apiKey);
    });

    it('maps a rejected key to auth and never exposes either key', async () => {
      const wrongKey = 'sk-wrong-9876543210zyxwvuSECRET';
      const target = subject.target();

      const error = await upstreamErrorOf(() => provider.probe({ ...target, apiKey: wrongKey }));

      expect(error.kind).toBe('auth');
      expect(error.retryable).toBe(true);
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.providerSlug).toBe(target.providerSlug);
      expectNoKey(error, wrongKey);
      if (target.apiKey) expectNoKey(error, target.apiKey);
    });

    it('maps 429 to rate_limited with the retry-after wait', async () => {
      const target = subject.rateLimited(3);

      const error = await upstreamErrorOf(() => provider.probe(target));

      expect(error.kind).toBe('rate_limited');
      expect(error.status).toBe(429);
      expect(error.retryAfterMs).toBe(3_000);
      expect(error.retryable).toBe(true);
      if (target.apiKey) expectNoKey(error, target.apiKey);
    });

    it('maps a refused connection to connection', async () => {
      const target = subject.target();
      const port = await freePort();
      const base = new URL(target.baseUrl);
      base.port = String(port);

      const error = await upstreamErrorOf(() => provider.probe({ ...target, baseUrl: base.toString() }));

      expect(error.kind).toBe('connection');
      expect(error.upstreamMessage).toContain('ECONNREFUSED');
      expect(error.retryable).toBe(true);
      if (target.apiKey) expectNoKey(error, target.apiKey);
    });

    it('maps an unusable base URL to connection without echoing it', async () => {
      const error = await upstreamErrorOf(() =>
        provider.probe({ ...subject.target(), baseUrl: 'not a url?token=abc' }),
      );

      expect(error.kind).toBe('connection');
      expect(error.message).not.toContain('token=abc');
    });
  });
