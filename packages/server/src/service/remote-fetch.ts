// Fetches a remote image named by an upload's url[n] field.
//
// The server fetches URLs chosen by its users, so every hop is checked before
// a socket opens: only http/https, no credentials in the URL, and (unless
// private addresses are allowed) no address on a loopback, private, link-local
// or otherwise reserved network. Host names are checked inside the `lookup`
// function handed to node:http, so the address that was checked is the address
// that is connected to; there is no window for DNS rebinding.

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Readable } from 'node:stream';
import { isOrigoError, OrigoError } from '../errors.ts';
import { cleanDerivedName } from '../images/image-name.ts';
import { displayUrl } from '../url-display.ts';

export interface RemoteFetchOptions {
  allowPrivateAddresses: boolean;
  /** Whole-request deadline (every redirect hop, connect, headers and body). */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Names the field in messages, e.g. 'url[0]'. */
  label: string;
}

export interface RemoteResponse {
  /**
   * The response body of a 2xx answer; the caller consumes it. It errors with
   * ORIGO_ERR_UPLOAD_TOO_LARGE when more than maxBytes arrive and with
   * ORIGO_ERR_REMOTE_FETCH_FAILED on timeout or a broken connection.
   */
  body: Readable;
  /** Decoded last path segment of the final URL, or 'image' when empty. */
  filename: string;
  contentLength?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const REQUEST_HEADERS = {
  'User-Agent': 'origo',
  Accept: 'image/*,*/*;q=0.5',
} as const;

// ---------------------------------------------------------------------------
// Address classification

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
  return FORBIDDEN_IPV4_RANGES.some(({ base, mask }) => ((value & mask) >>> 0) === base);
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

// ---------------------------------------------------------------------------
// URL checks

/** The host of a parsed URL without the brackets around IPv6 literals. */
function bareHostname(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Checks one hop before any socket opens: the URL parses, is http or https,
 * carries no credentials and, when its host is an IP literal, that address is
 * allowed. Host names are checked later, when they are resolved.
 * `what` names the URL in messages, e.g. 'url[0] https://x/y.jpg'.
 */
export function checkRemoteUrl(
  raw: string | URL,
  opts: Pick<RemoteFetchOptions, 'allowPrivateAddresses' | 'label'>,
  what = `${opts.label} ${displayUrl(String(raw))}`,
): URL {
  let url: URL;
  try {
    url = raw instanceof URL ? new URL(raw.href) : new URL(raw);
  } catch {
    throw new OrigoError('ORIGO_ERR_REMOTE_BAD_URL', `${what} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OrigoError(
      'ORIGO_ERR_REMOTE_BAD_URL',
      `${what} uses the scheme ${url.protocol.replace(/:$/, '')}; only http and https URLs can be fetched`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new OrigoError('ORIGO_ERR_REMOTE_BAD_URL', `${what} must not contain a user name or password`);
  }
  const host = bareHostname(url);
  if (host === '') {
    throw new OrigoError('ORIGO_ERR_REMOTE_BAD_URL', `${what} has no host`);
  }
  if (net.isIP(host) !== 0 && !opts.allowPrivateAddresses && isForbiddenAddress(host)) {
    throw forbidden(what, host, host);
  }
  return url;
}

function forbidden(what: string, host: string, address: string): OrigoError {
  const subject = host === address ? `its address ${address}` : `${host} resolves to ${address}, which`;
  return new OrigoError(
    'ORIGO_ERR_REMOTE_FORBIDDEN_ADDRESS',
    `Refusing to fetch ${what}: ${subject} is a loopback, private or reserved address`,
  );
}

// ---------------------------------------------------------------------------
// Fetching

/** One deadline for the whole fetch; whoever is active registers what to tear down. */
class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private onExpire: (() => void) | undefined;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const handler = this.onExpire;
      this.onExpire = undefined;
      handler?.();
    }, ms);
  }

  whenExpired(handler: () => void): void {
    this.onExpire = handler;
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.onExpire = undefined;
  }
}

function fetchFailed(what: string, happened: string): OrigoError {
  return new OrigoError('ORIGO_ERR_REMOTE_FETCH_FAILED', `Could not fetch ${what}: ${happened}`);
}

function describeNetworkError(err: unknown, host: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return `the host name ${host} could not be resolved`;
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
      return 'the server did not answer with valid HTTP';
  }
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))) {
    return `the TLS connection failed (${code})`;
  }
  const message = err instanceof Error && err.message !== '' ? err.message : String(err);
  return `the connection failed (${code ?? message})`;
}

/**
 * A `lookup` for node:http that resolves every address of the host, refuses
 * when any of them is forbidden and hands back only checked addresses, so the
 * socket connects to exactly what was checked.
 */
function checkedLookup(allowPrivate: boolean, what: string): net.LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const lookupOptions: dns.LookupAllOptions = { all: true, family, verbatim: true };
    if (options.hints !== undefined) lookupOptions.hints = options.hints;
    dns.lookup(hostname, lookupOptions, (err, addresses) => {
      if (err || addresses.length === 0) {
        callback(fetchFailed(what, `the host name ${hostname} could not be resolved`), '', 0);
        return;
      }
      if (!allowPrivate) {
        const bad = addresses.find((entry) => isForbiddenAddress(entry.address));
        if (bad !== undefined) {
          callback(forbidden(what, hostname, bad.address), '', 0);
          return;
        }
      }
      if (options.all) {
        callback(null, addresses);
      } else {
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      }
    });
  };
}

interface Exchange {
  req: http.ClientRequest;
  res: http.IncomingMessage;
}

/** One GET; resolves with the response head, rejects with an OrigoError. */
function requestOnce(url: URL, opts: RemoteFetchOptions, deadline: Deadline, what: string): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    const host = bareHostname(url);
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    let req: http.ClientRequest;
    try {
      req = client.request({
        protocol: url.protocol,
        hostname: host,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { ...REQUEST_HEADERS },
        // A private agent: no pooled socket can skip the checked lookup, and
        // every socket dies with its request.
        agent: false,
        lookup: checkedLookup(opts.allowPrivateAddresses, what),
      });
    } catch (err) {
      reject(fetchFailed(what, describeNetworkError(err, host)));
      return;
    }

    const fail = (err: OrigoError): void => {
      if (settled) return;
      settled = true;
      deadline.whenExpired(() => {});
      req.destroy();
      reject(err);
    };

    req.on('error', (err) => {
      fail(isOrigoError(err) ? err : fetchFailed(what, describeNetworkError(err, host)));
    });
    req.once('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      resolve({ req, res });
    });
    deadline.whenExpired(() => {
      fail(timeoutError(what, opts.timeoutMs));
    });
    req.end();
  });
}

function timeoutError(what: string, ms: number): OrigoError {
  return fetchFailed(what, `no complete answer within ${ms} ms`);
}

/** The image name a URL suggests: its last path segment, decoded, cleaned and shortened (nobody typed it, so it is not refused). */
function filenameOf(url: URL): string {
  const segment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    name = segment;
  }
  return cleanDerivedName(name);
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Fetches `rawUrl` with GET, following up to `opts.maxRedirects` redirects and
 * checking every hop. Resolves once a 2xx answer's head has arrived; the body
 * is streamed to the caller under the same deadline and size limit.
 */
export async function fetchRemote(rawUrl: string, opts: RemoteFetchOptions): Promise<RemoteResponse> {
  const original = displayUrl(rawUrl);
  const base = `${opts.label} ${original}`;
  let url = checkRemoteUrl(rawUrl, opts, base);
  let whatNow = base;

  const deadline = new Deadline(opts.timeoutMs);
  let exchange: Exchange | undefined;
  try {
    for (let redirects = 0; ; redirects++) {
      exchange = await requestOnce(url, opts, deadline, whatNow);
      const { res } = exchange;
      const status = res.statusCode ?? 0;

      if (REDIRECT_STATUSES.has(status)) {
        const location = res.headers.location;
        exchange.res.destroy();
        exchange.req.destroy();
        exchange = undefined;
        if (location === undefined || location === '') {
          throw fetchFailed(whatNow, `the server answered ${status} without a Location header`);
        }
        if (redirects >= opts.maxRedirects) {
          throw fetchFailed(whatNow, `too many redirects (more than ${opts.maxRedirects})`);
        }
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new OrigoError(
            'ORIGO_ERR_REMOTE_BAD_URL',
            `${base} redirected to ${displayUrl(location)}, which is not a valid URL`,
          );
        }
        const shown = displayUrl(next.href);
        whatNow = `${base} (redirected to ${shown})`;
        url = checkRemoteUrl(next, opts, whatNow);
        continue;
      }

      if (status < 200 || status > 299) {
        throw fetchFailed(whatNow, `the server answered ${status}`);
      }

      const contentLength = parseContentLength(res.headers['content-length']);
      if (contentLength !== undefined && contentLength > opts.maxBytes) {
        throw new OrigoError(
          'ORIGO_ERR_UPLOAD_TOO_LARGE',
          `${base} is ${contentLength} bytes, more than the limit of ${opts.maxBytes} bytes`,
        );
      }

      const body = limitedBody(exchange, opts, deadline, whatNow, base);
      exchange = undefined; // the body owns it now
      const result: RemoteResponse = { body, filename: filenameOf(url) };
      if (contentLength !== undefined) result.contentLength = contentLength;
      return result;
    }
  } catch (err) {
    deadline.clear();
    if (exchange !== undefined) {
      exchange.res.destroy();
      exchange.req.destroy();
    }
    throw err;
  }
}

/**
 * Wraps a response in a Readable that enforces the byte limit and the deadline
 * and turns every way the response can break into an OrigoError. Destroying
 * the returned stream tears down the response and its socket.
 */
function limitedBody(
  exchange: Exchange,
  opts: RemoteFetchOptions,
  deadline: Deadline,
  what: string,
  base: string,
): Readable {
  const { req, res } = exchange;
  let received = 0;
  let ended = false;

  const teardown = (): void => {
    deadline.clear();
    res.removeListener('data', onData);
    res.removeListener('end', onEnd);
    res.removeListener('close', onClose);
    res.destroy();
    req.destroy();
  };

  const body = new Readable({
    read() {
      res.resume();
    },
    destroy(err, callback) {
      teardown();
      callback(err);
    },
  });

  function onData(chunk: Buffer): void {
    received += chunk.length;
    if (received > opts.maxBytes) {
      body.destroy(
        new OrigoError(
          'ORIGO_ERR_UPLOAD_TOO_LARGE',
          `${base} is more than the limit of ${opts.maxBytes} bytes`,
        ),
      );
      return;
    }
    if (!body.push(chunk)) res.pause();
  }
  function onEnd(): void {
    ended = true;
    deadline.clear();
    body.push(null);
  }
  function onClose(): void {
    if (!ended && !body.destroyed) {
      body.destroy(fetchFailed(what, 'the connection closed before the whole body arrived'));
    }
  }
  function onError(err: Error): void {
    if (!body.destroyed) {
      body.destroy(fetchFailed(what, `the body could not be read (${describeNetworkError(err, '')})`));
    }
  }

  res.pause();
  res.on('data', onData);
  res.on('end', onEnd);
  res.on('close', onClose);
  // Stays attached: a late error on the torn-down response must not go unhandled.
  res.on('error', onError);
  deadline.whenExpired(() => {
    body.destroy(timeoutError(what, opts.timeoutMs));
  });
  // A caller that drops the body without reading or destroying it must not
  // crash the process when the deadline later errors it; readers still see
  // the error (for await, pipeline and stream.errored do not rely on events).
  body.on('error', () => {});
  // autoDestroy runs destroy() (and so teardown) once the consumer has read to the end.
  return body;
}
