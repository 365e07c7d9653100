// Sends one API request: builds the URL and headers, applies the per-attempt
// timeout and the caller's AbortSignal, and tries again with backoff when
// that is safe (see retry.ts). Answers with the Response of a 2xx; throws
// OrigoApiError for an error status, OrigoNetworkError when no answer came,
// and the signal's reason when the caller aborted.

import { apiErrorFrom, isOrigoNetworkError, OrigoNetworkError } from './errors.ts';
import { type QueryInput, queryString } from './query.ts';
import { backoffMs, isRetryStatus, MAX_RETRY_AFTER_MS, retryAfterMs, sleep } from './retry.ts';

export interface TransportOptions {
  url: string;
  apiKey?: string | undefined;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
  retries?: number | undefined;
  retryBaseDelayMs?: number | undefined;
  userAgent?: string | undefined;
}

export interface RequestSpec {
  method: string;
  /** Path below the API root, already encoded (see pathOf). */
  path: string;
  query?: QueryInput | undefined;
  /** A JSON body; `null` is sent as the JSON `null`. */
  json?: unknown;
  /** A raw body, made anew for each attempt (a stream can be sent only once). */
  body?: (() => BodyInit | Promise<BodyInit>) | undefined;
  contentType?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** Whether sending it twice does no harm; by default true for GET, HEAD, PUT, DELETE and COPY. */
  repeatable?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** An answer, and how to stop the caller's signal from reaching it once its body has been read. */
interface Attempt {
  response: Response;
  release: () => void;
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

export class Transport {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
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
    return (await this.#send(spec)).response;
  }

  /** The parsed JSON body of the answer, or undefined for an empty one (204). */
  async json(spec: RequestSpec): Promise<unknown> {
    const { response, release } = await this.#send(spec);
    try {
      const text = await readText(response, spec.signal);
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
    const { response, release } = await this.#send(spec);
    try {
      await readText(response, spec.signal);
      return response;
    } finally {
      release();
    }
  }

  async #send(spec: RequestSpec): Promise<Attempt> {
    const url = this.baseUrl + spec.path + queryString(spec.query);
    const repeatable = spec.repeatable ?? REPEATABLE_METHODS.has(spec.method);
    for (let attempt = 0; ; attempt++) {
      const mayRetry = repeatable && attempt < this.#retries;
      let sent: Attempt;
      try {
        sent = await this.#attempt(url, spec);
      } catch (err) {
        if (!mayRetry || !isOrigoNetworkError(err)) throw err;
        await sleep(backoffMs(attempt, this.#retryBaseMs), spec.signal);
        continue;
      }
      const { response, release } = sent;
      if (response.ok) return sent;
      release();
      if (mayRetry && isRetryStatus(response.status)) {
        const after = retryAfterMs(response.headers.get('retry-after'));
        if (after === undefined || after <= MAX_RETRY_AFTER_MS) {
          await response.body?.cancel().catch(() => undefined);
          await sleep(after ?? backoffMs(attempt, this.#retryBaseMs), spec.signal);
          continue;
        }
      }
      throw apiErrorFrom(response.status, response.statusText, await readText(response, spec.signal), spec.method, url);
    }
  }

  #headers(spec: RequestSpec): Headers {
    const headers = new Headers(spec.headers);
    if (this.#apiKey !== undefined) headers.set('Api-Key', this.#apiKey);
    if (this.#userAgent !== undefined) headers.set('User-Agent', this.#userAgent);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    if (spec.contentType !== undefined) headers.set('Content-Type', spec.contentType);
    else if ('json' in spec) headers.set('Content-Type', 'application/json');
    return headers;
  }

  async #body(spec: RequestSpec): Promise<BodyInit | undefined> {
    if (spec.body !== undefined) return spec.body();
    if ('json' in spec) return JSON.stringify(spec.json);
    return undefined;
  }

  /** One try: the Response once its headers came, within the timeout; the caller's signal still governs its body. */
  async #attempt(url: string, spec: RequestSpec): Promise<Attempt> {
    const { signal } = spec;
    if (signal?.aborted) throw signal.reason;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    try {
      const body = await this.#body(spec);
      const init: StreamingRequestInit = {
        method: spec.method,
        headers: this.#headers(spec),
        signal: controller.signal,
        ...(body !== undefined && { body }),
        ...(body instanceof ReadableStream && { duplex: 'half' }),
      };
      const response = await this.#fetch(url, init);
      return { response, release: () => signal?.removeEventListener('abort', onAbort) };
    } catch (err) {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) throw signal.reason;
      if (timedOut) {
        throw new OrigoNetworkError(`No answer to ${spec.method} ${url} within ${this.#timeoutMs} ms`, {
          cause: err,
          timedOut: true,
        });
      }
      throw new OrigoNetworkError(`Could not reach ${this.baseUrl} (${spec.method} ${url}): ${reason(err)}`, {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return err.message + cause;
}

/** The body as text; a connection that breaks while it is read is a network error. */
async function readText(response: Response, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await response.text();
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new OrigoNetworkError(`The answer from ${response.url} broke off: ${reason(err)}`, { cause: err });
  }
}
