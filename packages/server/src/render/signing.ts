// Signed render URLs (spec §7), as rokka.js 4 (`render.signUrl`) makes them:
//
//   sig = first 16 hex digits of sha256(pathname + search + ":" + key)
//
// where search is the query without `sig` (with its `?` when not empty) and
// the pathname has its SEO name stripped. `sig` comes last; an optional
// `sigopts={"until":"<ISO date>"}` limits how long the signature holds.

import { createHash, timingSafeEqual } from 'node:crypto';
import { OrigoError } from '../errors.ts';

const SIGNATURE = /^[0-9a-f]{16}$/;

/**
 * The last path element is an SEO name when the element before it is a
 * hash: `/{stack}/…/{hash}/{name}.{format}` is signed as
 * `/{stack}/…/{hash}.{format}`. This is the rule rokka.js applies before
 * signing (lower-case hash; a name without `.` or `^`; a 2–4 character
 * extension; something before the hash), so that a signature survives a
 * change of the SEO name. It works on the pathname as sent, percent-encoded.
 */
const WITH_SEO_NAME = /^(.+\/[0-9a-f]{6,40})\/[^/^.]+(\.[^/.]{2,4})$/;

export function withoutSeoName(pathname: string): string {
  const match = WITH_SEO_NAME.exec(pathname);
  return match === null ? pathname : `${match[1]}${match[2]}`;
}

function digest(pathAndSearch: string, key: string): string {
  return createHash('sha256')
    .update(pathAndSearch + ':' + key)
    .digest('hex')
    .slice(0, 16);
}

function searchOf(rawQuery: string): string {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  return query === '' ? '' : `?${query}`;
}

/** The signature of a render URL: its pathname (SEO name stripped here) and its raw query without `sig` (`?` optional). */
export function renderSignature(pathname: string, rawQueryWithoutSig: string, key: string): string {
  return digest(withoutSeoName(pathname) + searchOf(rawQueryWithoutSig), key);
}

/** Form-decodes a query name or value; undecodable text stays as it is (it then matches nothing). */
function formDecoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

interface QueryPiece {
  raw: string;
  name: string;
  value: string;
}

function queryPieces(rawQuery: string): QueryPiece[] {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (query === '') return [];
  return query.split('&').map((raw) => {
    const equals = raw.indexOf('=');
    const name = equals < 0 ? raw : raw.slice(0, equals);
    const value = equals < 0 ? '' : raw.slice(equals + 1);
    return { raw, name: formDecoded(name), value: formDecoded(value) };
  });
}

function sameSignature(expected: string, given: string): boolean {
  // Both are 16 ASCII hex digits here, so the buffers have equal lengths.
  return timingSafeEqual(Buffer.from(expected, 'ascii'), Buffer.from(given, 'ascii'));
}

/** The `until` of `sigopts`: a date, undefined when there is none, 'invalid' when `sigopts` cannot be read. */
function sigoptsUntil(pieces: QueryPiece[]): Date | undefined | 'invalid' {
  const [sigopts, ...more] = pieces.filter((piece) => piece.name === 'sigopts');
  if (sigopts === undefined) return undefined;
  if (more.length > 0) return 'invalid';
  let parsed: unknown;
  try {
    parsed = JSON.parse(sigopts.value);
  } catch {
    return 'invalid';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'invalid';
  if (!('until' in parsed) || parsed.until === undefined) return undefined;
  if (typeof parsed.until !== 'string') return 'invalid';
  const until = Date.parse(parsed.until);
  return Number.isNaN(until) ? 'invalid' : new Date(until);
}

/** What `sigopts` says once the signature itself is known to be good. */
function sigoptsVerdict(pieces: QueryPiece[], now: Date): 'valid' | 'invalid' | 'expired' {
  const until = sigoptsUntil(pieces);
  if (until === 'invalid') return 'invalid';
  if (until === undefined) return 'valid';
  return until.getTime() < now.getTime() ? 'expired' : 'valid';
}

/** Until when a signed render URL holds (its `sigopts.until`), so its answer is not cached past it; undefined when it does not say. */
export function signedUntil(rawQuery: string): Date | undefined {
  const until = sigoptsUntil(queryPieces(rawQuery));
  return until instanceof Date ? until : undefined;
}

/**
 * Checks the `sig` of a render request against the organization's signing
 * keys. `pathname` is the request's path as received (percent-encoded, with
 * the `/render/{org}` prefix the client signed), `rawQuery` its query as
 * received (`?` optional). The signature is checked over the raw query with
 * `sig` removed and other parameters kept in their order.
 *
 * Both the pathname with its SEO name stripped (what rokka.js signs) and the
 * pathname as it is (what rokka's documentation shows for hand-made
 * signatures, and what a client signs when its rule for SEO names differs)
 * are accepted: either way the signer held the key for this very URL.
 *
 * 'expired' is only answered for a signature that is otherwise good; a
 * `sigopts` that cannot be read makes the signature 'invalid'.
 */
export function verifyRenderSignature(
  pathname: string,
  rawQuery: string,
  keys: string[],
  now: Date,
): 'unsigned' | 'valid' | 'invalid' | 'expired' {
  const pieces = queryPieces(rawQuery);
  const [signature, ...more] = pieces.filter((piece) => piece.name === 'sig');
  if (signature === undefined) return 'unsigned';
  const given = signature.value.toLowerCase();
  if (more.length > 0 || !SIGNATURE.test(given)) return 'invalid';

  const rest = pieces.filter((piece) => piece.name !== 'sig');
  const search = searchOf(rest.map((piece) => piece.raw).join('&'));
  const paths = new Set([withoutSeoName(pathname), pathname]);
  let matched = false;
  for (const key of keys) {
    for (const path of paths) {
      // No early exit: every key is tried, whichever matches.
      if (sameSignature(digest(path + search, key), given)) matched = true;
    }
  }
  return matched ? sigoptsVerdict(rest, now) : 'invalid';
}

function roundedUp(until: Date, seconds: number | undefined): Date {
  // As rokka.js: rounding applies for steps above one second (it rounds to 300 s by default, for CDN caching).
  if (seconds === undefined || !(seconds > 1)) return until;
  const step = seconds * 1000;
  return new Date(Math.ceil(until.getTime() / step) * step);
}

/**
 * Signs a render URL for POST /utils/{org}/sign_url, producing what rokka.js's
 * `render.signUrl(url, key, { until, roundDateUpTo })` produces for the same
 * input: the query is re-serialized as a form (as URLSearchParams writes it),
 * `sigopts` is set when `until` is given and removed otherwise, `sig` is
 * appended last, and — as rokka.js does — the SEO name is left out of the
 * returned URL (a signature does not depend on it; verification accepts it
 * back). The origin is kept.
 */
export function signRenderUrl(
  url: string,
  key: string,
  options: { until?: Date; roundDateUpToSeconds?: number },
): string {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', `url "${url}" is not an absolute URL.`);
  }
  if (options.until !== undefined) {
    if (Number.isNaN(options.until.getTime())) {
      throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', 'The date the signature is valid until is not a valid date.');
    }
    const until = roundedUp(options.until, options.roundDateUpToSeconds);
    target.searchParams.set('sigopts', JSON.stringify({ until: until.toISOString() }));
  } else {
    target.searchParams.delete('sigopts');
  }
  target.searchParams.delete('sig');
  target.pathname = withoutSeoName(target.pathname);
  target.searchParams.append('sig', digest(target.pathname + target.search, key));
  return target.toString();
}
