import { TrustedProxies } from './trusted-proxies';

const facts = (
  peer: string,
  forwardedFor?: string | string[],
  forwardedProto?: string,
  encrypted = false,
) => ({ peer, forwardedFor, forwardedProto, encrypted });

describe('TRUSTED_PROXIES: who the client is', () => {
  const proxies = TrustedProxies.parse('10.0.0.0/8, 192.168.1.5, fd00::/8');

  it('given no trusted proxies, then X-Forwarded-For and -Proto are ignored', () => {
    expect(TrustedProxies.parse('').client(facts('10.0.0.1', '1.2.3.4', 'https'))).toEqual({
      address: '10.0.0.1',
      secure: false,
    });
    expect(TrustedProxies.parse(undefined).cidrs).toEqual([]);
  });

  it('given an untrusted peer, then its headers are ignored', () =>
    expect(proxies.client(facts('203.0.113.7', '1.2.3.4', 'https'))).toEqual({
      address: '203.0.113.7',
      secure: false,
    }));

  it('given a trusted peer, then the forwarded client and protocol count', () =>
    expect(proxies.client(facts('10.1.2.3', '198.51.100.20', 'https'))).toEqual({
      address: '198.51.100.20',
      secure: true,
    }));

  it('given a chain of trusted proxies, then the first untrusted hop from the right is the client', () =>
    expect(proxies.client(facts('10.1.2.3', ['6.6.6.6, 198.51.100.20', '192.168.1.5'])).address).toBe(
      '198.51.100.20',
    ));

  it('given a client that forged X-Forwarded-For, then the address its proxy appended wins', () =>
    expect(proxies.client(facts('10.1.2.3', '10.9.9.9, 198.51.100.20')).address).toBe('198.51.100.20'));

  it('given only trusted hops, then the leftmost is the client', () =>
    expect(proxies.client(facts('10.1.2.3', '10.2.2.2, 10.3.3.3')).address).toBe('10.2.2.2'));

  it('given garbage in the chain, then nothing left of it is believed', () =>
    expect(proxies.client(facts('10.1.2.3', '1.1.1.1, not-an-ip, 10.3.3.3')).address).toBe('10.3.3.3'));

  it('IPv4-mapped IPv6 peers match IPv4 ranges, and IPv6 ranges work', () => {
    expect(proxies.client(facts('::ffff:10.1.2.3', '198.51.100.20')).address).toBe('198.51.100.20');
    expect(proxies.client(facts('::ffff:203.0.113.7', '198.51.100.20')).address).toBe('203.0.113.7');
    expect(proxies.client(facts('fd00::1', '2001:db8::5')).address).toBe('2001:db8::5');
  });

  it('TLS here is secure whatever the headers say', () =>
    expect(proxies.client(facts('203.0.113.7', undefined, 'http', true)).secure).toBe(true));

  it('refuses entries that are no address or CIDR', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', 'fd00::/129', '10.0.0.0/x'])
      expect(() => TrustedProxies.parse(bad)).toThrow(RangeError);
  });
});
