// Whether a request still has body bytes to come. Node marks a request
// `complete` only once its parser has seen the end, which for a request
// without a body can be after the hooks and handlers that ask; the headers
// say at once whether a body is to come at all.

import type { IncomingMessage } from 'node:http';

/** A body is to come (a Content-Length above 0, or chunked) and has not been read to its end. */
export function hasUnreadBody(request: IncomingMessage): boolean {
  if (request.complete) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
