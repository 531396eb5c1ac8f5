import {
  addressReach,
  embeddedIPv4,
  checkUpstreamAddress,
  checkUpstreamHost,
  type UpstreamAddressRule,
} from './upstream-address-policy';

const admin: UpstreamAddressRule = { trust: 'admin' };
const user: UpstreamAddressRule = { trust: 'user' };
const userAllowing = (...hosts: string[]): UpstreamAddressRule => ({
  trust: 'user',
  allowedHosts: new Set(hosts),
});

describe('upstream address policy', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    'fe80::1',
    'febf:ffff::1',
    'fd00:ec2::254',
    '100.100.100.200',
    '0.0.0.0',
    '0.1.2.3',
    '::',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::ffff:0.0.0.0',
    '64:ff9b::169.254.169.254',
    '::169.254.169.254',
    '224.0.0.1',
    '255.255.255.255',
    'ff02::1',
  ])('%s is never reachable, not even by an admin or through the allow list', (ip) => {
    expect(addressReach(ip)).toBe('never');
    expect(checkUpstreamAddress(ip, ip, admin).allowed).toBe(false);
    expect(checkUpstreamAddress(ip, ip, userAllowing(ip)).allowed).toBe(false);
    expect(checkUpstreamAddress('evil.example', ip, admin).allowed).toBe(false);
  });

  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '::1',
    '::ffff:127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.20',
    '100.64.0.1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:10.0.0.1',
  ])('%s is internal: allowed for admins, refused for users unless the host is allowed', (ip) => {
    expect(addressReach(ip)).toBe('internal');
    expect(checkUpstreamAddress('vllm.lan', ip, admin)).toEqual({ allowed: true });
    const refused = checkUpstreamAddress('vllm.lan', ip, user);
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.reason).toMatch(
      /^vllm\.lan resolves to .*ALLOWED_UPSTREAM_HOSTS/,
    );
    expect(checkUpstreamAddress('vllm.lan', ip, userAllowing('vllm.lan'))).toEqual({ allowed: true });
    expect(checkUpstreamAddress('vllm.lan', ip, userAllowing('other.lan')).allowed).toBe(false);
  });

  it.each(['1.1.1.1', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public: allowed for everyone',
    (ip) => {
      expect(addressReach(ip)).toBe('public');
      expect(checkUpstreamAddress('api.example.com', ip, user)).toEqual({ allowed: true });
      expect(checkUpstreamAddress('api.example.com', ip, admin)).toEqual({ allowed: true });
    },
  );

  it('names the range in the reason, and the host when it resolved to the address', () => {
    expect(checkUpstreamAddress('169.254.169.254', '169.254.169.254', admin)).toEqual({
      allowed: false,
      reason: '169.254.169.254 is a link-local address (169.254.0.0/16)',
    });
    expect(checkUpstreamAddress('rebind.example', '::ffff:a9fe:a9fe', admin)).toEqual({
      allowed: false,
      reason: 'rebind.example resolves to a link-local address (169.254.0.0/16)',
    });
    expect(checkUpstreamAddress('x.example', 'fd00:ec2::254', admin)).toEqual({
      allowed: false,
      reason: 'x.example resolves to a cloud metadata address',
    });
  });

  it('a host (before DNS): IP literals in URL form, metadata names, localhost', () => {
    expect(checkUpstreamHost('[fe80::1]', admin).allowed).toBe(false);
    expect(checkUpstreamHost('[::ffff:a9fe:a9fe]', admin).allowed).toBe(false);
    expect(checkUpstreamHost('[::]', admin).allowed).toBe(false);
    expect(checkUpstreamHost('metadata.google.internal', admin).allowed).toBe(false);
    expect(checkUpstreamHost('Metadata.Google.Internal.', admin).allowed).toBe(false);
    expect(checkUpstreamHost('[::1]', admin)).toEqual({ allowed: true });
    expect(checkUpstreamHost('localhost', admin)).toEqual({ allowed: true });
    expect(checkUpstreamHost('localhost', user).allowed).toBe(false);
    expect(checkUpstreamHost('ollama.localhost', user).allowed).toBe(false);
    expect(checkUpstreamHost('localhost', userAllowing('localhost'))).toEqual({ allowed: true });
    expect(checkUpstreamHost('api.openai.com', user)).toEqual({ allowed: true });
    expect(checkUpstreamHost('10.0.0.8', user).allowed).toBe(false);
  });

  it('what WHATWG URL makes of odd IPv4 spellings is checked as the address it is', () => {
    for (const spelling of ['http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://169.254.43518/'])
      expect(checkUpstreamHost(new URL(spelling).hostname, admin).allowed).toBe(false);
    expect(checkUpstreamHost(new URL('http://0x7f.1/').hostname, user).allowed).toBe(false);
  });

  describe('IPv6 forms that carry an IPv4 address are judged by that address', () => {
    it.each([
      // NAT64, well-known prefix (RFC 6052 /96): the last 32 bits
      ['64:ff9b::a9fe:a9fe', '169.254.169.254', 'never'],
      ['64:ff9b::100.100.100.200', '100.100.100.200', 'never'],
      ['64:ff9b::7f00:1', '127.0.0.1', 'internal'],
      ['64:ff9b::10.0.0.1', '10.0.0.1', 'internal'],
      ['64:ff9b::c0a8:114', '192.168.1.20', 'internal'],
      ['64:ff9b::808:808', '8.8.8.8', 'public'],
      // NAT64, local-use prefix (RFC 8215) in the RFC 6052 /48 layout: bits 48–63 and 72–87
      ['64:ff9b:1:a9fe:a9:fe00::', '169.254.169.254', 'never'],
      ['64:ff9b:1:a00:0:100::', '10.0.0.1', 'internal'],
      ['64:ff9b:1:808:8:800::', '8.8.8.8', 'public'],
      // … and a /96 carved out of it: the last 32 bits
      ['64:ff9b:1::a9fe:a9fe', '169.254.169.254', 'never'],
      ['64:ff9b:1::7f00:1', '127.0.0.1', 'internal'],
      // 6to4 (RFC 3056): bits 16–47, whatever follows
      ['2002:a9fe:a9fe::1', '169.254.169.254', 'never'],
      ['2002:a9fe:a9fe:1:2:3:4:5', '169.254.169.254', 'never'],
      ['2002:7f00:1::', '127.0.0.1', 'internal'],
      ['2002:c0a8:101::1', '192.168.1.1', 'internal'],
      ['2002:808:808::1', '8.8.8.8', 'public'],
      // IPv4-mapped, in hex and dotted spellings
      ['::ffff:a9fe:a9fe', '169.254.169.254', 'never'],
      ['::ffff:169.254.169.254', '169.254.169.254', 'never'],
      ['::ffff:7f00:1', '127.0.0.1', 'internal'],
      ['::ffff:808:808', '8.8.8.8', 'public'],
    ])('%s carries %s: %s', (ip, ipv4, reach) => {
      expect(embeddedIPv4(ip).map((e) => e.ipv4)).toContain(ipv4);
      expect(addressReach(ip)).toBe(reach);
      expect(checkUpstreamAddress('api.example.com', ip, user).allowed).toBe(reach === 'public');
      expect(checkUpstreamAddress('api.example.com', ip, admin).allowed).toBe(reach !== 'never');
      expect(checkUpstreamHost(`[${ip}]`, user).allowed).toBe(reach === 'public');
    });

    it('the reason names the embedded address and the form that carries it', () => {
      expect(checkUpstreamAddress('rebind.example', '64:ff9b::a9fe:a9fe', admin)).toEqual({
        allowed: false,
        reason:
          'rebind.example resolves to a link-local address (169.254.0.0/16), as a NAT64 address (64:ff9b::/96) of 169.254.169.254',
      });
      const verdict = checkUpstreamAddress('tunnel.example', '2002:7f00:1::', user);
      expect(verdict.allowed === false && verdict.reason).toMatch(
        /^tunnel\.example resolves to a loopback address, as a 6to4 address \(2002::\/16\) of 127\.0\.0\.1, which only/,
      );
    });

    it('other IPv6 addresses carry none', () => {
      expect(embeddedIPv4('2606:4700::1111')).toEqual([]);
      expect(embeddedIPv4('64:ff9b:2::1')).toEqual([]);
      expect(embeddedIPv4('8.8.8.8')).toEqual([]);
      expect(embeddedIPv4('not an address')).toEqual([]);
      expect(addressReach('2606:4700::1111')).toBe('public');
    });
  });
});
