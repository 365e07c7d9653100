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
import type net from 'node:net';
import type { Readable } from 'node:stream';
import { isOrigoError, OrigoError } from '../errors.ts';
import { cleanDerivedName } from '../images/image-name.ts';
import { displayUrl } from '../url-display.ts';
import { isForbiddenAddress } from './remote-addresses.ts';
import { type Exchange, limitedBody } from './remote-body.ts';
import { Deadline } from './remote-deadline.ts';
import { describeNetworkError, fetchFailed, timeoutError } from './remote-failures.ts';
import { bareHostname, checkRemoteUrl, forbidden } from './remote-url.ts';

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
