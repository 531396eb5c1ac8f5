import { UPSTREAM_TEXT_BOUNDS } from '@gw/shared-kernel';
import { UpstreamError } from './upstream-error';

describe('UpstreamError', () => {
  it('given an upstream message of 1.2 MB, when the error is made, then its text is cut to the error-message bound', () => {
    const error = new UpstreamError({
      kind: 'server',
      providerSlug: 'custom-0123456789ab',
      upstreamMessage: `the generation ended with finish_reason ${'x'.repeat(1_200_000)}`,
    });
    expect(error.upstreamMessage.length).toBeLessThanOrEqual(UPSTREAM_TEXT_BOUNDS.errorMessage);
    expect(error.upstreamMessage.startsWith('the generation ended with finish_reason xxx')).toBe(true);
    expect(error.message.length).toBeLessThan(UPSTREAM_TEXT_BOUNDS.errorMessage + 100);
    expect(JSON.stringify(error).length).toBeLessThan(UPSTREAM_TEXT_BOUNDS.errorMessage + 400);
  });

  it('given a short message or none, when the error is made, then it is kept as it is', () => {
    expect(new UpstreamError({ kind: 'auth', providerSlug: 'p', upstreamMessage: 'bad key' }).message).toBe(
      'upstream p auth: bad key',
    );
    expect(new UpstreamError({ kind: 'auth', providerSlug: 'p', status: 401 }).message).toBe(
      'upstream p auth (HTTP 401)',
    );
  });
});
