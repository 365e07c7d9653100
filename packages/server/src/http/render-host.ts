// Host-based renders (ORIGO_RENDER_DOMAIN): `{org}.{domain}/{stack}/…` is
// served as `/render/{org}/{stack}/…`, as rokka serves `{org}.rokka.io`.
// Done by rewriting the URL before routing, so one route serves both forms;
// request.originalUrl keeps the path the client signed.

import type { IncomingMessage } from 'node:http';

const ORG_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Fastify's rewriteUrl for a render domain: other hosts' URLs pass unchanged. */
export function renderHostRewrite(domain: string): (request: IncomingMessage) => string {
  const suffix = `.${domain}`;
  return (request) => {
    const url = request.url ?? '/';
    const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!host.endsWith(suffix)) return url;
    const org = host.slice(0, -suffix.length);
    if (!ORG_LABEL.test(org)) return url;
    return `/render/${org}${url.startsWith('/') ? url : `/${url}`}`;
  };
}
