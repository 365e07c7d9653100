// POST /utils/{org}/sign_url: a render URL signed by the server with the
// organization's signing key, for callers that may not read the key.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { SignedUrl } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { expectShape, isRecord, isString } from './shapes.ts';

export interface SignUrlOnServerOptions extends CallOptions {
  /** When the signature stops being valid. */
  until?: Date | string;
  /** Round `until` up to a multiple of this many seconds, so that URLs stay cacheable. */
  roundDateUpToSeconds?: number;
}

function isSignedUrl(value: unknown): value is SignedUrl {
  return isRecord(value) && isString(value['signed_url']);
}

export async function signUrlOnServer(
  t: Transport,
  org: string,
  url: string,
  options: SignUrlOnServerOptions = {},
): Promise<string> {
  const path = pathOf('utils', org, 'sign_url');
  const until = options.until instanceof Date ? options.until.toISOString() : options.until;
  const json = {
    url,
    ...(until !== undefined && { until }),
    ...(options.roundDateUpToSeconds !== undefined && { round_date_up_to: options.roundDateUpToSeconds }),
  };
  // Signing changes nothing on the server, so it may be asked again.
  const body = await t.json({ method: 'POST', path, json, repeatable: true, signal: options.signal });
  return expectShape(body, isSignedUrl, 'a signed URL', `POST ${path}`).signed_url;
}
