// A NUL (%00) anywhere in the URL is refused before routing: path and query
// values end up as text in the catalog (names, search terms, field names),
// and text cannot hold a NUL (PostgreSQL's text type has no room for one;
// origo refuses it on every catalog alike). Node's parser already refuses a
// raw NUL byte, so the encoded form is all there is to look for.

import type { FastifyInstance } from 'fastify';
import { OrigoError } from '../errors.ts';

export function refuseNulInUrl(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url.includes('%00')) {
      done(new OrigoError('ORIGO_ERR_REQUEST_NUL_CHARACTER', 'The URL has a NUL character (%00); text values cannot contain it'));
      return;
    }
    done();
  });
}
