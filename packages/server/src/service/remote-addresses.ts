// Which addresses a fetch of a user's URL must never connect to: loopback,
// private, link-local, multicast, reserved and documentation networks, and
// the IPv6 forms that embed such an IPv4 address.

import net from 'node:net';

/** IPv4 networks that must not be fetched from: [network, prefix length]. */
const FORBIDDEN_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes 255.255.255.255
];

const FORBIDDEN_IPV4_RANGES = FORBIDDEN_IPV4.map(([network, prefix]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (parseIPv4(network)! & mask) >>> 0, mask };
});

/** Dotted-quad IPv4 (as net.isIP accepts it) to an unsigned 32-bit number. */
function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** IPv6 text (optionally with a zone and an embedded IPv4 tail) to eight 16-bit groups. */
function parseIPv6(ip: string): number[] | undefined {
  let text = ip;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);

  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }

  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const rest = halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : [];
  let groups: string[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<string>(missing).fill('0'), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;

  const out: number[] = [];
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    out.push(Number.parseInt(group, 16));
  }
  return out;
}

function isForbiddenIPv4(value: number): boolean {
  return FORBIDDEN_IPV4_RANGES.some(({ base, mask }) => (value & mask) >>> 0 === base);
}

function isForbiddenIPv6(g: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedLow = (g6 * 0x10000 + g7) >>> 0;

  // ::/96: unspecified (::), loopback (::1) and deprecated IPv4-compatible addresses.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return true;
  // ::ffff:0:0/96 IPv4-mapped: the IPv4 rules decide.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return isForbiddenIPv4(embeddedLow);
  // ::ffff:0:0:0/96 IPv4-translated (RFC 2765): the IPv4 rules decide.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return isForbiddenIPv4(embeddedLow);
  // 64:ff9b::/96 well-known NAT64 prefix: the IPv4 rules decide on the embedded address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isForbiddenIPv4(embeddedLow);
  // 64:ff9b:1::/48 local-use NAT64 (RFC 8215): translates into the operator's own networks.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true;
  // 2002::/16 6to4: the IPv4 rules decide on the address in groups 1 and 2.
  if (g0 === 0x2002) return isForbiddenIPv4((g1 * 0x10000 + g2) >>> 0);
  // 2001::/32 Teredo: tunnels to an obfuscated IPv4 address; nothing to fetch there.
  if (g0 === 0x2001 && g1 === 0) return true;
  // 2001:db8::/32 documentation.
  if (g0 === 0x2001 && g1 === 0x0db8) return true;
  // 100::/64 discard-only.
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return true;
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // fec0::/10 deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  return false;
}

/**
 * True when `ip` is an address origo must not fetch from unless private
 * addresses are allowed: loopback, private, link-local, multicast, reserved and
 * documentation ranges, and IPv6 forms that embed such an IPv4 address.
 * Anything that is not an IP address at all counts as forbidden.
 */
export function isForbiddenAddress(ip: string): boolean {
  const version = net.isIP(ip);
  if (version === 4) {
    const value = parseIPv4(ip);
    return value === undefined || isForbiddenIPv4(value);
  }
  if (version === 6) {
    const groups = parseIPv6(ip);
    return groups === undefined || isForbiddenIPv6(groups);
  }
  return true;
}
