// The two errors the SDK throws for a request that did not succeed: the
// server answered with an error (OrigoApiError), or no answer came at all
// (OrigoNetworkError). Both are recognised by a brand rather than by
// instanceof, so an error made by one copy of origo-client is still
// recognised by another copy installed beside it.

import { isRecord } from './json.ts';

const BRAND = Symbol.for('origo-client.error');

type Brand = 'api' | 'network';

function hasBrand(err: unknown, brand: Brand): boolean {
  return typeof err === 'object' && err !== null && BRAND in err && err[BRAND] === brand;
}

export interface OrigoApiErrorInit {
  status: number;
  code: string | undefined;
  message: string;
  body: unknown;
  method: string;
  url: string;
}

/** The server answered with an error status; `code` is origo's `origo_code` when sent, else rokka's code. */
export class OrigoApiError extends Error {
  override readonly name = 'OrigoApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly body: unknown;
  readonly method: string;
  readonly url: string;
  /** @internal Lets isOrigoApiError recognise errors from another copy of the SDK. */
  readonly [BRAND]: Brand = 'api';

  constructor(init: OrigoApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
  }
}

/** The server could not be reached, the connection broke, or no answer came in time. */
export class OrigoNetworkError extends Error {
  override readonly name = 'OrigoNetworkError';
  readonly timedOut: boolean;
  /** @internal Lets isOrigoNetworkError recognise errors from another copy of the SDK. */
  readonly [BRAND]: Brand = 'network';

  constructor(message: string, options: { cause?: unknown; timedOut?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.timedOut = options.timedOut ?? false;
  }
}

export function isOrigoApiError(err: unknown): err is OrigoApiError {
  return hasBrand(err, 'api');
}

export function isOrigoNetworkError(err: unknown): err is OrigoNetworkError {
  return hasBrand(err, 'network');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function codeText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value);
}

/**
 * Reads rokka's error body, wrapped (`{"error": {"code", "message"}}`) or
 * flat (`{"code", "message"}`), with origo's `origo_code` in either place.
 */
export function describeErrorBody(body: unknown): { code: string | undefined; message: string | undefined } {
  const top = record(body);
  const inner = record(top?.['error']);
  const code =
    text(inner?.['origo_code']) ?? text(top?.['origo_code']) ?? codeText(inner?.['code']) ?? codeText(top?.['code']);
  const message = text(inner?.['message']) ?? text(top?.['message']) ?? text(top?.['error']);
  return { code, message };
}

/** An OrigoApiError from a status and the body as text (JSON when it parses). */
export function apiErrorFrom(status: number, statusText: string, bodyText: string, method: string, url: string) {
  let body: unknown = bodyText;
  try {
    body = bodyText === '' ? undefined : JSON.parse(bodyText);
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the text as the body.
  }
  const { code, message } = describeErrorBody(body);
  const fallback = `${method} ${url} answered ${status}${statusText ? ` ${statusText}` : ''}`;
  return new OrigoApiError({ status, code, message: message ?? fallback, body, method, url });
}
