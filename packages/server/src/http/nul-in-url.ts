// A NUL (%00) anywhere in the URL is refused before routing: path and query
// values end up as text in the catalog (names, search terms, field names),
// and text cannot hold a NUL (PostgreSQL's text type has no room for one;
// origo refuses it on every catalog alike). Node's parser already refuses a
// raw NUL byte, so the encoded form is all there is to look for.

import { OrigoError } from '../errors.ts';

/** The refusal of a URL with a NUL in it; undefined for any other URL. Checked for every request (request-hooks.ts). */
export function nulInUrlError(url: string): OrigoError | undefined {
  if (!url.includes('%00')) return undefined;
  return new OrigoError(
    'ORIGO_ERR_REQUEST_NUL_CHARACTER',
    'The URL has a NUL character (%00); text values cannot contain it',
  );
}
