import { BlockList, isIP } from 'node:net';

/** What the gateway can tell about the client of a request. */
export interface ClientView {
  /** The client's address: the peer's, or the one a trusted proxy forwarded (X-Forwarded-For). */
  readonly address: string;
  /** Whether the client reached us over HTTPS (TLS here, or X-Forwarded-Proto from a trusted proxy). */
  readonly secure: boolean;
}

export interface ConnectionFacts {
  /** The TCP peer (`socket.remoteAddress`); undefined once the socket is gone. */
  readonly peer: string | undefined;
  /** The X-Forwarded-For header(s) as received. */
  readonly forwardedFor: string | readonly string[] | undefined;
  /** The X-Forwarded-Proto header(s) as received. */
  readonly forwardedProto: string | readonly string[] | undefined;
  /** TLS terminated by this process. */
  readonly encrypted: boolean;
}

const unmapped = (address: string): string =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

const entries = (header: string | readonly string[] | undefined): string[] =>
  (typeof header === 'string' ? [header] : (header ?? []))
    .join(',')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * `TRUSTED_PROXIES`: the CIDRs (or single addresses) of the reverse proxies in front of the gateway.
 * X-Forwarded-For and X-Forwarded-Proto are believed only when the peer is one of them: the client
 * is the first address, walking X-Forwarded-For from its right end, that is not a trusted proxy (a
 * client cannot prepend its way past the proxy that appended its real address). Empty (default):
 * the headers are ignored and the client is the TCP peer. Used for the sign-in throttles, the audit
 * metadata and the refresh cookie's Secure flag.
 */
export class TrustedProxies {
  private readonly list = new BlockList();

  private constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address, bits] = cidr.split('/') as [string, string | undefined];
      const family = isIP(address);
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  static readonly none = new TrustedProxies([]);

  /** `10.0.0.0/8, 192.168.1.5, fd00::/8`: throws a RangeError naming the first entry that is none. */
  static parse(text: string | undefined): TrustedProxies {
    const cidrs = (text ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    for (const cidr of cidrs) {
      const [address, bits, extra] = cidr.split('/');
      const family = isIP(address ?? '');
      const max = family === 6 ? 128 : 32;
      const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
      if (family === 0 || !bitsOk || extra !== undefined)
        throw new RangeError(`"${cidr}" is not an IP address or CIDR (e.g. 10.0.0.0/8, fd00::/8)`);
    }
    return cidrs.length === 0 ? TrustedProxies.none : new TrustedProxies(cidrs);
  }

  trusts(address: string): boolean {
    const a = unmapped(address);
    const family = isIP(a);
    return family !== 0 && this.list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** The client of a connection, believing forwarded headers only as far as trusted proxies go. */
  client(facts: ConnectionFacts): ClientView {
    const peer = unmapped(facts.peer ?? '');
    if (this.cidrs.length === 0 || !this.trusts(peer)) return { address: peer, secure: facts.encrypted };
    let address = peer;
    const hops = entries(facts.forwardedFor);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = unmapped(hops[i]!);
      if (isIP(hop) === 0) break; // not an address: nothing left of it can be believed
      address = hop;
      if (!this.trusts(hop)) break;
    }
    const proto = entries(facts.forwardedProto).pop()?.toLowerCase();
    return { address, secure: facts.encrypted || proto === 'https' };
  }
}
