// POST /utils/{org}/sign_url (spec §7): signs a render URL with the
// organization's signing key, for callers that do not hold the key.

import { OrigoError } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import { signRenderUrl } from '../render/signing.ts';
import type { Organization } from '../storage/catalog/catalog.ts';
import type { ServiceDeps } from './deps.ts';
import { signingKeysOf } from './signing-keys.ts';

/** Longest rounding step: a day is already coarse for a cacheable expiry. */
const MAX_ROUND_SECONDS = 86_400;

function bad(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', message);
}

interface SignRequest {
  url: string;
  until: Date | undefined;
  roundDateUpToSeconds: number | undefined;
}

function signRequest(body: unknown): SignRequest {
  if (!isPlainObject(body)) throw bad('The body must be a JSON object like {"url": "https://…/dynamic/…/hash.jpg"}');
  for (const key of Object.keys(body)) {
    if (!['url', 'until', 'round_date_up_to'].includes(key)) {
      throw bad(`The body has an unknown field ${JSON.stringify(key)}; allowed: url, until, round_date_up_to`);
    }
  }
  const { url, until, round_date_up_to: round } = body;
  if (typeof url !== 'string' || url === '') throw bad('url must be the render URL to sign, as a text');
  let untilDate: Date | undefined;
  if (until !== undefined && until !== null) {
    untilDate = typeof until === 'string' ? new Date(until) : undefined;
    if (untilDate === undefined || Number.isNaN(untilDate.getTime())) {
      throw bad(`until must be an ISO 8601 date like 2050-02-08T07:05:00Z, got ${JSON.stringify(until)}`);
    }
  }
  if (round !== undefined && round !== null) {
    if (typeof round !== 'number' || !Number.isInteger(round) || round < 1 || round > MAX_ROUND_SECONDS) {
      throw bad(`round_date_up_to must be whole seconds from 1 to ${MAX_ROUND_SECONDS}, got ${JSON.stringify(round)}`);
    }
  }
  return { url, until: untilDate, roundDateUpToSeconds: typeof round === 'number' ? round : undefined };
}

export async function signUrl(deps: ServiceDeps, org: Organization, body: unknown): Promise<string> {
  const request = signRequest(body);
  const [first] = await signingKeysOf(deps, org);
  if (first === undefined) throw new Error(`organization ${org.name} has no signing key`);
  return signRenderUrl(request.url, first.key, {
    ...(request.until ? { until: request.until } : {}),
    ...(request.roundDateUpToSeconds ? { roundDateUpToSeconds: request.roundDateUpToSeconds } : {}),
  });
}
