import 'server-only';
import net from 'node:net';

/**
 * Which IP addresses a webhook may be sent to. A user chooses the URL, so without this Grantkeeper
 * would POST wherever they point it: its own loopback services, the cloud metadata endpoint
 * (169.254.169.254), anything on the private network it runs in. Only globally routable unicast
 * addresses pass; the ranges come from the IANA special-purpose registries (RFC 6890 and updates).
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'site-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved'
  | 'invalid';

export interface AddressPolicy {
  /** WEBHOOK_ALLOW_PRIVATE=on: receivers on this machine or its private network, for development. */
  allowPrivate: boolean;
}

/** What WEBHOOK_ALLOW_PRIVATE opens. Link-local (metadata), multicast and reserved never pass. */
const RELAXABLE: ReadonlySet<AddressClass> = new Set(['loopback', 'private', 'shared']);

export function isAddressAllowed(address: string, policy: AddressPolicy): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (policy.allowPrivate && RELAXABLE.has(kind));
}

/** `localhost` and `*.localhost` are loopback by definition (RFC 6761 §6.3), whatever DNS says. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

type Range<T> = readonly [base: T, prefix: number, kind: AddressClass];

// First match wins: 255.255.255.255 before 240/4.
const IPV4_RANGES: readonly Range<string>[] = [
  ['0.0.0.0', 8, 'unspecified'], // "this network" (RFC 791); 0.0.0.0 reaches the local host
  ['10.0.0.0', 8, 'private'], // RFC 1918
  ['100.64.0.0', 10, 'shared'], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes the cloud metadata service 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast (RFC 7526)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking (RFC 2544)
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: readonly Range<string>[] = [
  ['64:ff9b:1::', 48, 'reserved'], // local-use NAT64 (RFC 8215): translated inside a private network
  ['100::', 64, 'reserved'], // discard-only (RFC 6666)
  ['2001:db8::', 32, 'documentation'],
  ['2001::', 23, 'reserved'], // IETF assignments, Teredo (its IPv4 part is obfuscated), benchmarking
  ['3fff::', 20, 'documentation'], // RFC 9637
  ['fc00::', 7, 'private'], // unique local (RFC 4193)
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'], // deprecated (RFC 3879) but still routed by some networks
  ['ff00::', 8, 'multicast'],
];

const V4 = IPV4_RANGES.map(([base, prefix, kind]) => [ipv4ToNumber(base)!, prefix, kind] as const);
const V6 = IPV6_RANGES.map(([base, prefix, kind]) => [ipv6ToBigInt(base)!, prefix, kind] as const);

/** Classifies an address as a resolver returns it or a URL spells it (IPv6 with or without brackets). */
export function classifyAddress(address: string): AddressClass {
  const text = address.replace(/^\[(.*)\]$/, '$1');
  if (net.isIPv4(text)) return classifyIPv4(ipv4ToNumber(text)!);
  const v6 = ipv6ToBigInt(text);
  return v6 === null ? 'invalid' : classifyIPv6(v6);
}

function classifyIPv4(value: number): AddressClass {
  for (const [base, prefix, kind] of V4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((value & mask) >>> 0) === base) return kind;
  }
  return 'public';
}

function inV6(value: bigint, base: bigint, prefix: number): boolean {
  const shift = BigInt(128 - prefix);
  return value >> shift === base >> shift;
}

const LOW32 = 0xffffffffn;

function classifyIPv6(value: bigint): AddressClass {
  if (value === 0n) return 'unspecified';
  if (value === 1n) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address itself: judge that address.
  if (value >> 32n === 0xffffn) return classifyIPv4(Number(value & LOW32));
  // IPv4-compatible (::a.b.c.d) is deprecated (RFC 4291 §2.5.5.1); nothing legitimate uses it.
  if (value >> 32n === 0n) return 'reserved';
  // NAT64 (RFC 6052) and 6to4 (RFC 3056) carry an IPv4 destination: judge that address.
  if (inV6(value, ipv6ToBigInt('64:ff9b::')!, 96)) return classifyIPv4(Number(value & LOW32));
  if (inV6(value, ipv6ToBigInt('2002::')!, 16)) return classifyIPv4(Number((value >> 80n) & LOW32));
  for (const [base, prefix, kind] of V6) if (inV6(value, base, prefix)) return kind;
  // Global unicast is 2000::/3; everything else is unassigned or special.
  return inV6(value, ipv6ToBigInt('2000::')!, 3) ? 'public' : 'reserved';
}

function ipv4ToNumber(text: string): number | null {
  if (!net.isIPv4(text)) return null;
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Parses any valid IPv6 text (compressed, full, with a dotted IPv4 tail, with a zone) to 128 bits. */
function ipv6ToBigInt(input: string): bigint | null {
  const text = input.split('%')[0] ?? '';
  if (!net.isIPv6(text)) return null;
  let hex = text;
  const lastColon = hex.lastIndexOf(':');
  const tail = hex.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToNumber(tail);
    if (v4 === null) return null;
    hex = `${hex.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = hex.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
