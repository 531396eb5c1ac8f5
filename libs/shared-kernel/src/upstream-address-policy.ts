import { BlockList, isIP } from 'node:net';

/**
 * Who chose an upstream URL: an admin registering a provider (local vLLM and Ollama on loopback or a
 * private network are normal), or a user bringing their own endpoint (only the public internet,
 * unless the operator lists the host in `ALLOWED_UPSTREAM_HOSTS`).
 */
export type UpstreamTrust = 'admin' | 'user';

/**
 * What an address is, as far as reaching it from the gateway goes:
 * - never      link-local (cloud metadata lives there), metadata endpoints, unspecified (0.0.0.0, ::,
 *              which reach this machine), multicast and reserved ranges: refused for everyone
 * - internal   loopback and private ranges: admins only, or hosts on the allow list
 * - public     everything else
 */
export type AddressReach = 'never' | 'internal' | 'public';

export interface UpstreamAddressRule {
  readonly trust: UpstreamTrust;
  /** Host names (lowercase, as in `ALLOWED_UPSTREAM_HOSTS`) whose internal addresses a user may reach. */
  readonly allowedHosts?: ReadonlySet<string>;
}

export type UpstreamAddressVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOWED: UpstreamAddressVerdict = Object.freeze({ allowed: true });

interface Range {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly name: string;
}

/** Refused for every caller. IPv4-mapped IPv6 forms (::ffff:169.254.169.254) match the IPv4 rules. */
const NEVER: readonly Range[] = [
  { address: '169.254.0.0', prefix: 16, family: 'ipv4', name: 'a link-local address (169.254.0.0/16)' },
  { address: 'fe80::', prefix: 10, family: 'ipv6', name: 'a link-local address (fe80::/10)' },
  { address: 'fd00:ec2::254', prefix: 128, family: 'ipv6', name: 'a cloud metadata address' },
  { address: '100.100.100.200', prefix: 32, family: 'ipv4', name: 'a cloud metadata address' },
  { address: '192.0.0.192', prefix: 32, family: 'ipv4', name: 'a cloud metadata address' },
  { address: '0.0.0.0', prefix: 8, family: 'ipv4', name: 'an unspecified address (0.0.0.0/8)' },
  { address: '::', prefix: 128, family: 'ipv6', name: 'an unspecified address (::)' },
  { address: '224.0.0.0', prefix: 4, family: 'ipv4', name: 'a multicast address' },
  { address: '240.0.0.0', prefix: 4, family: 'ipv4', name: 'a reserved address (240.0.0.0/4)' },
  { address: 'ff00::', prefix: 8, family: 'ipv6', name: 'a multicast address' },
  // The link-local range again in the IPv4-compatible form (::/96 is internal, see below). The forms
  // that carry an IPv4 address to it (IPv4-mapped, NAT64, 6to4) are judged by that address instead.
  { address: '::a9fe:0', prefix: 112, family: 'ipv6', name: 'a link-local address (IPv4-compatible form)' },
];

/** Allowed for admin-registered providers, refused for user-supplied URLs unless the host is allowed. */
const INTERNAL: readonly Range[] = [
  { address: '127.0.0.0', prefix: 8, family: 'ipv4', name: 'a loopback address' },
  { address: '::1', prefix: 128, family: 'ipv6', name: 'a loopback address' },
  { address: '10.0.0.0', prefix: 8, family: 'ipv4', name: 'a private address (10.0.0.0/8)' },
  { address: '172.16.0.0', prefix: 12, family: 'ipv4', name: 'a private address (172.16.0.0/12)' },
  { address: '192.168.0.0', prefix: 16, family: 'ipv4', name: 'a private address (192.168.0.0/16)' },
  { address: '100.64.0.0', prefix: 10, family: 'ipv4', name: 'a shared address (100.64.0.0/10)' },
  { address: '198.18.0.0', prefix: 15, family: 'ipv4', name: 'a benchmarking address (198.18.0.0/15)' },
  { address: 'fc00::', prefix: 7, family: 'ipv6', name: 'a private address (fc00::/7)' },
  { address: 'fec0::', prefix: 10, family: 'ipv6', name: 'a site-local address (fec0::/10)' },
  { address: '::', prefix: 96, family: 'ipv6', name: 'an IPv4-compatible address (::/96)' },
];

/** Names that are cloud metadata endpoints on every network (no DNS needed to know). */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

const blockList = (ranges: readonly Range[]): BlockList => {
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.address, r.prefix, r.family);
  return list;
};
const NEVER_LIST = blockList(NEVER);
const INTERNAL_LIST = blockList(INTERNAL);

/** The name of the first range holding `address` (on refusals only, so building lists here is fine). */
const rangeOf = (ranges: readonly Range[], address: string, family: 'ipv4' | 'ipv6'): string | undefined =>
  ranges.find((r) => blockList([r]).check(address, family))?.name;

/** A URL's host as WHATWG URL gives it (`[::1]`, `Example.COM.`), as a bare lowercase name or IP. */
export const normalizeHost = (host: string): string =>
  host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();

/** An IPv4 address carried inside an IPv6 one, and the form that carries it. */
export interface EmbeddedIPv4 {
  readonly ipv4: string;
  /** e.g. `a NAT64 address (64:ff9b::/96)`. */
  readonly form: string;
}

/** The 16 bytes of an IPv6 literal (any spelling WHATWG URL accepts), or undefined. */
function ipv6Bytes(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  // WHATWG URL writes every IPv6 address as hex groups (a dotted IPv4 tail becomes two groups).
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.split('::') as [string, string | undefined];
  const groupsOf = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const left = groupsOf(head);
  const right = groupsOf(tail);
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return undefined;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

const startsWith = (bytes: readonly number[], prefix: readonly number[]): boolean =>
  prefix.every((b, i) => bytes[i] === b);
const dotted = (b: readonly number[]): string => b.join('.');

/**
 * The IPv4 addresses an IPv6 address leads to, by the forms that translate or tunnel to IPv4:
 * - IPv4-mapped `::ffff:0:0/96` (RFC 4291): the last 32 bits;
 * - NAT64 well-known prefix `64:ff9b::/96` (RFC 6052): the last 32 bits;
 * - NAT64 local-use prefix `64:ff9b:1::/48` (RFC 8215): the RFC 6052 layout of a /48 (bits 48–63
 *   and 72–87, around the zero `u` octet), and the last 32 bits as well, since a network may
 *   carve a /96 out of it; a layout whose bits are all zero is skipped, and the address is judged by
 *   the stricter of the others;
 * - 6to4 `2002::/16` (RFC 3056): bits 16–47.
 * Empty for every other address (and for IPv4 addresses).
 */
export function embeddedIPv4(address: string): EmbeddedIPv4[] {
  const b = ipv6Bytes(address);
  if (!b) return [];
  const last32 = b.slice(12, 16);
  if (startsWith(b, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]))
    return [{ ipv4: dotted(last32), form: 'an IPv4-mapped address (::ffff:0:0/96)' }];
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]))
    return [{ ipv4: dotted(last32), form: 'a NAT64 address (64:ff9b::/96)' }];
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, 0, 1])) {
    const form = 'a local NAT64 address (64:ff9b:1::/48)';
    const layouts = [dotted([b[6]!, b[7]!, b[9]!, b[10]!]), dotted(last32)];
    // Where one layout's bits are all zero, the address is in the other; both zero: 0.0.0.0.
    const carried = layouts.filter((ipv4) => ipv4 !== '0.0.0.0');
    return (carried.length > 0 ? carried : ['0.0.0.0']).map((ipv4) => ({ ipv4, form }));
  }
  if (startsWith(b, [0x20, 0x02]))
    return [{ ipv4: dotted(b.slice(2, 6)), form: 'a 6to4 address (2002::/16)' }];
  return [];
}

const REACH_ORDER: readonly AddressReach[] = ['public', 'internal', 'never'];
const stricter = (a: AddressReach, b: AddressReach): AddressReach =>
  REACH_ORDER.indexOf(a) >= REACH_ORDER.indexOf(b) ? a : b;

/** Reach by the range lists alone. */
function listedReach(address: string, family: 'ipv4' | 'ipv6'): AddressReach {
  if (NEVER_LIST.check(address, family)) return 'never';
  if (INTERNAL_LIST.check(address, family)) return 'internal';
  return 'public';
}

/**
 * How far `address` (an IP literal) may be reached; undefined when it is not an IP address. An IPv6
 * address that carries an IPv4 one (embeddedIPv4) is judged by that IPv4 address: `64:ff9b::10.0.0.1`
 * is as internal as 10.0.0.1.
 */
export function addressReach(address: string): AddressReach | undefined {
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  return embeddedIPv4(address).reduce<AddressReach>(
    (reach, { ipv4 }) => stricter(reach, listedReach(ipv4, 'ipv4')),
    listedReach(address, family),
  );
}

/** Why `ip` has this reach: the range's name, or the embedded IPv4 address's range and its form. */
function reasonOf(ranges: readonly Range[], ip: string, reach: AddressReach): string | undefined {
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  const own = listedReach(ip, family) === reach ? rangeOf(ranges, ip, family) : undefined;
  if (own) return own;
  for (const { ipv4, form } of embeddedIPv4(ip)) {
    const name = listedReach(ipv4, 'ipv4') === reach ? rangeOf(ranges, ipv4, 'ipv4') : undefined;
    if (name) return `${name}, as ${form} of ${ipv4}`;
  }
  return undefined;
}

/**
 * Whether a connection to `address` (an IP the URL's `host` resolved to, or the host itself when it is
 * an IP literal) is allowed. Link-local, metadata and unspecified addresses are refused whoever asks;
 * loopback and private addresses only for admins or for a host on the allow list.
 */
export function checkUpstreamAddress(
  host: string,
  address: string,
  rule: UpstreamAddressRule,
): UpstreamAddressVerdict {
  const name = normalizeHost(host);
  const ip = normalizeHost(address);
  const reach = addressReach(ip);
  if (reach === undefined) return { allowed: false, reason: `${name} did not resolve to an IP address` };
  if (reach === 'public') return ALLOWED;
  const subject = name === ip ? `${name} is` : `${name} resolves to`;
  if (reach === 'never') {
    return { allowed: false, reason: `${subject} ${reasonOf(NEVER, ip, 'never') ?? 'a forbidden address'}` };
  }
  if (rule.trust === 'admin' || rule.allowedHosts?.has(name)) return ALLOWED;
  return {
    allowed: false,
    reason: `${subject} ${reasonOf(INTERNAL, ip, 'internal') ?? 'an internal address'}, which only admin-registered providers and ALLOWED_UPSTREAM_HOSTS may use`,
  };
}

/**
 * The check that can run before any DNS lookup, on a URL's host: IP literals by their range, and names
 * that are metadata endpoints everywhere (`metadata.google.internal`) or loopback by definition
 * (`localhost`, `*.localhost`, refused for users). Other names pass here; the connect-time check on
 * the resolved addresses is the one that cannot be fooled by DNS.
 */
export function checkUpstreamHost(host: string, rule: UpstreamAddressRule): UpstreamAddressVerdict {
  const name = normalizeHost(host);
  if (isIP(name) !== 0) return checkUpstreamAddress(name, name, rule);
  if (METADATA_HOSTS.has(name)) return { allowed: false, reason: `${name} is a cloud metadata endpoint` };
  if (name === 'localhost' || name.endsWith('.localhost'))
    return checkUpstreamAddress(name, '127.0.0.1', rule);
  return ALLOWED;
}
