// Sends one API request: builds the URL and headers, applies the per-attempt
// timeout and the caller's AbortSignal, and tries again when that is safe,
// after the wait the server names or with backoff (see retry.ts). Answers with the Response of a 2xx; throws
// OrigoApiError for an error status, OrigoNetworkError when no answer came,
// and the signal's reason when the caller aborted.

import { apiErrorFrom, isOrigoNetworkError, OrigoNetworkError } from './errors.ts';
import { type QueryInput, queryString } from './query.ts';
import { backoffMs, isRetryStatus, MAX_RETRY_AFTER_MS, serverWaitMs, sleep } from './retry.ts';

/** How a Transport reaches the server: the same settings as ClientOptions. */
export interface TransportOptions {
  url: string;
  apiKey?: string | undefined;
  /** A token from GET /user/apikeys/token, sent as `Authorization: Bearer`; a function is asked on every request. */
  token?: string | (() => string | undefined) | undefined;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
  retries?: number | undefined;
  retryBaseDelayMs?: number | undefined;
  userAgent?: string | undefined;
}

/** One API request as a Transport sends it. */
export interface RequestSpec {
  method: string;
  /** Path below the API root, already encoded (see pathOf). */
  path: string;
  query?: QueryInput | undefined;
  /** A JSON body; `null` is sent as the JSON `null`. */
  json?: unknown;
  /**
   * A raw body, made anew for each attempt (a stream can be sent only once).
   * A streamed body calls `touch` as it sends: the timeout then counts from
   * the last progress, so a large upload on a slow line is not cut off.
   */
  body?: ((touch: () => void) => BodyInit | Promise<BodyInit>) | undefined;
  contentType?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** Whether sending it twice does no harm; by default true for GET, HEAD, PUT, DELETE and COPY. */
  repeatable?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** An answer; `release` stops its timeout and the caller's signal once its body has been read. */
interface Attempt {
  response: Response;
  release: () => void;
  timedOut: () => boolean;
}

/** RequestInit with `duplex`, which a streamed request body needs in Node's fetch. */
type StreamingRequestInit = RequestInit & { duplex?: 'half' };

const REPEATABLE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'COPY', 'OPTIONS']);

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_BASE_MS = 500;

function defaultUserAgent(): string | undefined {
  // Browsers refuse or preflight a User-Agent header; only Node gets one by default.
  return typeof process !== 'undefined' && process.versions?.node ? 'origo-client/0.1.0' : undefined;
}

/**
 * The HTTP layer under OrigoClient (its `transport`): for a call the client has
 * no method for yet, with the same key, timeout, retries and errors.
 */
export class Transport {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #token: (() => string | undefined) | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryBaseMs: number;
  readonly #userAgent: string | undefined;

  constructor(options: TransportOptions) {
    if (!/^https?:\/\//i.test(options.url)) {
      throw new TypeError(`url must start with http:// or https://, got ${JSON.stringify(options.url)}`);
    }
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    const token = options.token;
    this.#token = typeof token === 'string' ? () => token : token;
    // Bound so that a fetch taken from globalThis is not called with another `this`.
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
    this.#retryBaseMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_MS;
    this.#userAgent = options.userAgent ?? defaultUserAgent();
  }

  /**
   * The 2xx Response of the request; its body is left for the caller to read,
   * and the caller's signal still aborts it.
   */
  async send(spec: RequestSpec): Promise<Response> {
    return (await this.#send(spec, false)).response;
  }

  /** The parsed JSON body of the answer, or undefined for an empty one (204). */
  async json(spec: RequestSpec): Promise<unknown> {
    const sent = await this.#send(spec, true);
    const { response, release } = sent;
    try {
      const text = await readText(sent, spec);
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new OrigoNetworkError(
          `${spec.method} ${spec.path} answered ${response.status} with a body that is not JSON`,
          { cause: err },
        );
      }
    } finally {
      release();
    }
  }

  /** Sends the request and discards the body of the answer; resolves with its status and headers. */
  async empty(spec: RequestSpec): Promise<Response> {
    const sent = await this.#send(spec, true);
    const { response, release } = sent;
    try {
      await readText(sent, spec);
      return response;
    } finally {
      release();
    }
  }

  /** `untilBody`: the timeout also covers reading the answer's body (for JSON, not for downloads). */
  async #send(spec: RequestSpec, untilBody: boolean): Promise<Attempt> {
    const url = this.baseUrl + spec.path + queryString(spec.query);
    const repeatable = spec.repeatable ?? REPEATABLE_METHODS.has(spec.method);
    for (let attempt = 0; ; attempt++) {
      const mayRetry = repeatable && attempt < this.#retries;
      let sent: Attempt;
      try {
        sent = await this.#attempt(url, spec, untilBody);
      } catch (err) {
        if (!mayRetry || !isOrigoNetworkError(err)) throw err;
        await sleep(backoffMs(attempt, this.#retryBaseMs), spec.signal);
        continue;
      }
      const { response } = sent;
      if (response.ok) return sent;
      if (mayRetry && isRetryStatus(response.status)) {
        // Retry-After, else on a 429 the rate limit's reset header.
        const after = serverWaitMs(response);
        if (after === undefined || after <= MAX_RETRY_AFTER_MS) {
          await response.body?.cancel().catch(() => undefined);
          sent.release();
          await sleep(after ?? backoffMs(attempt, this.#retryBaseMs), spec.signal);
          continue;
        }
      }
      let text: string;
      try {
        text = await readText(sent, spec);
      } finally {
        sent.release();
      }
      throw apiErrorFrom(response.status, response.statusText, text, spec.method, url);
    }
  }

  #headers(spec: RequestSpec): Headers {
    const headers = new Headers(spec.headers);
    if (this.#apiKey !== undefined) headers.set('Api-Key', this.#apiKey);
    const token = this.#token?.();
    if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
    if (this.#userAgent !== undefined) headers.set('User-Agent', this.#userAgent);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    if (spec.contentType !== undefined) headers.set('Content-Type', spec.contentType);
    else if ('json' in spec) headers.set('Content-Type', 'application/json');
    return headers;
  }

  async #body(spec: RequestSpec, touch: () => void): Promise<BodyInit | undefined> {
    if (spec.body !== undefined) return spec.body(touch);
    if ('json' in spec) return JSON.stringify(spec.json);
    return undefined;
  }

  /**
   * One try: the Response once its headers came, with no more than the
   * timeout between signs of progress; the caller's signal governs its body too.
   */
  async #attempt(url: string, spec: RequestSpec, untilBody: boolean): Promise<Attempt> {
    const { signal } = spec;
    if (signal?.aborted) throw signal.reason;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let lastProgress = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        const idle = Date.now() - lastProgress;
        if (idle < this.#timeoutMs) return arm(this.#timeoutMs - idle);
        timedOut = true;
        controller.abort();
      }, ms);
    };
    arm(this.#timeoutMs);
    const release = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    try {
      const body = await this.#body(spec, () => {
        lastProgress = Date.now();
      });
      const large = body instanceof ReadableStream || body instanceof Blob;
      const init: StreamingRequestInit = {
        method: spec.method,
        headers: this.#headers(spec),
        signal: controller.signal,
        ...(body !== undefined && { body }),
        ...(body instanceof ReadableStream && { duplex: 'half' }),
        // To follow a redirect Node's fetch keeps every byte of the body it
        // sends (undici #4058); a file is sent with redirects refused, so that
        // memory stays flat.
        ...(large && { redirect: 'error' }),
      };
      const response = await this.#fetch(url, init);
      if (!untilBody) clearTimeout(timer);
      return { response, release, timedOut: () => timedOut };
    } catch (err) {
      release();
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw this.#timeoutError(spec, url, err);
      throw new OrigoNetworkError(`Could not reach ${this.baseUrl} (${spec.method} ${url}): ${reason(err)}`, {
        cause: err,
      });
    }
  }

  #timeoutError(spec: RequestSpec, url: string, cause: unknown): OrigoNetworkError {
    return new OrigoNetworkError(`No answer to ${spec.method} ${url} within ${this.#timeoutMs} ms`, {
      cause,
      timedOut: true,
    });
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return err.message + cause;
}

/** The body as text; a connection that breaks or stalls while it is read is a network error. */
async function readText(sent: Attempt, spec: RequestSpec): Promise<string> {
  try {
    return await sent.response.text();
  } catch (err) {
    if (spec.signal?.aborted) throw spec.signal.reason;
    if (sent.timedOut()) {
      throw new OrigoNetworkError(`The answer to ${spec.method} ${sent.response.url} stalled`, {
        cause: err,
        timedOut: true,
      });
    }
    throw new OrigoNetworkError(`The answer from ${sent.response.url} broke off: ${reason(err)}`, { cause: err });
  }
}
