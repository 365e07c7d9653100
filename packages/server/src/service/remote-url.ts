// The checks on one hop's URL before any socket opens.

import net from 'node:net';
import { OrigoError } from '../errors.ts';
import { displayUrl } from '../url-display.ts';
import { isForbiddenAddress } from './remote-addresses.ts';
import type { RemoteFetchOptions } from './remote-fetch.ts';

/** The host of a parsed URL without the brackets around IPv6 literals. */
export function bareHostname(url: URL): string {
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

export function forbidden(what: string, host: string, address: string): OrigoError {
  const subject = host === address ? `its address ${address}` : `${host} resolves to ${address}, which`;
  return new OrigoError(
    'ORIGO_ERR_REMOTE_FORBIDDEN_ADDRESS',
    `Refusing to fetch ${what}: ${subject} is a loopback, private or reserved address`,
  );
}
