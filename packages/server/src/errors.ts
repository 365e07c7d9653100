// The one registry of errors origo answers with. Every error a user can see
// has a stable code (ORIGO_ERR_<AREA>_<WHAT>), an HTTP status and a message
// that names the value at fault. docs/reference/errors.md lists them all.

export const ERRORS = {
  ORIGO_ERR_AUTH_MISSING_KEY: 403,
  ORIGO_ERR_AUTH_INVALID_KEY: 403,
  ORIGO_ERR_AUTH_FORBIDDEN: 403,
  ORIGO_ERR_AUTH_INVALID_TOKEN: 401,
  ORIGO_ERR_AUTH_SIGNUP_CLOSED: 403,
  ORIGO_ERR_AUTH_TOKEN_NOT_RENEWABLE: 403,
  ORIGO_ERR_RATE_LIMITED: 429,
  ORIGO_ERR_AUTH_TOO_MANY_FAILURES: 429,
  ORIGO_ERR_USER_NOT_FOUND: 404,
  ORIGO_ERR_KEY_NOT_FOUND: 404,
  ORIGO_ERR_KEY_LIMIT: 409,
  ORIGO_ERR_KEY_IN_USE: 400,
  ORIGO_ERR_MEMBERSHIP_NOT_FOUND: 404,
  ORIGO_ERR_MEMBERSHIP_LAST_ADMIN: 409,
  ORIGO_ERR_MEMBERSHIP_BAD_ROLES: 400,
  ORIGO_ERR_COPY_BAD_DESTINATION: 400,
  ORIGO_ERR_COPY_EXISTS: 412,
  ORIGO_ERR_REQUEST_NOT_FOUND: 404,
  ORIGO_ERR_REQUEST_METHOD_NOT_ALLOWED: 405,
  ORIGO_ERR_REQUEST_BAD_JSON: 400,
  ORIGO_ERR_REQUEST_BAD_BODY: 400,
  ORIGO_ERR_REQUEST_NUL_CHARACTER: 400,
  ORIGO_ERR_REQUEST_BAD_PARAMETER: 400,
  ORIGO_ERR_REQUEST_BODY_TOO_LARGE: 413,
  ORIGO_ERR_REQUEST_BAD_API_VERSION: 400,
  ORIGO_ERR_REQUEST_RANGE_NOT_SATISFIABLE: 416,
  ORIGO_ERR_REQUEST_TIMEOUT: 408,
  ORIGO_ERR_REQUEST_MALFORMED: 400,
  ORIGO_ERR_REQUEST_HEADERS_TOO_LARGE: 431,
  ORIGO_ERR_ORG_NOT_FOUND: 404,
  ORIGO_ERR_ORG_INVALID_NAME: 400,
  ORIGO_ERR_ORG_EXISTS: 409,
  ORIGO_ERR_ORG_BAD_OPTION: 400,
  ORIGO_ERR_STACK_NOT_FOUND: 404,
  ORIGO_ERR_STACK_EXISTS: 409,
  ORIGO_ERR_STACK_INVALID_NAME: 400,
  ORIGO_ERR_STACK_BAD_BODY: 400,
  ORIGO_ERR_DASHBOARD_NOT_BUILT: 404,
  ORIGO_ERR_RENDER_BAD_URL: 400,
  ORIGO_ERR_RENDER_UNKNOWN_OPERATION: 400,
  ORIGO_ERR_RENDER_BAD_OPTION: 400,
  ORIGO_ERR_RENDER_BAD_EXPRESSION: 400,
  ORIGO_ERR_RENDER_UNKNOWN_FORMAT: 400,
  ORIGO_ERR_RENDER_TOO_MANY_PIXELS: 400,
  ORIGO_ERR_RENDER_SIGNATURE_REQUIRED: 403,
  ORIGO_ERR_RENDER_BAD_SIGNATURE: 403,
  ORIGO_ERR_RENDER_SIGNATURE_EXPIRED: 403,
  ORIGO_ERR_RENDER_TOO_MANY_RENDERS: 429,
  ORIGO_ERR_IMAGE_NOT_FOUND: 404,
  ORIGO_ERR_IMAGE_LOCKED: 403,
  ORIGO_ERR_IMAGE_HASH_COLLISION: 409,
  ORIGO_ERR_IMAGE_INVALID_NAME: 400,
  ORIGO_ERR_UPLOAD_NO_SOURCE: 400,
  ORIGO_ERR_UPLOAD_EMPTY_FILE: 400,
  ORIGO_ERR_UPLOAD_UNSUPPORTED_FORMAT: 400,
  ORIGO_ERR_UPLOAD_CORRUPT_IMAGE: 400,
  ORIGO_ERR_UPLOAD_TOO_LARGE: 413,
  ORIGO_ERR_UPLOAD_TOO_MANY_PIXELS: 413,
  ORIGO_ERR_UPLOAD_TOO_MANY_FRAMES: 413,
  ORIGO_ERR_UPLOAD_BAD_MULTIPART: 400,
  ORIGO_ERR_UPLOAD_BAD_FIELD: 400,
  ORIGO_ERR_UPLOAD_INDEX_CONFLICT: 400,
  ORIGO_ERR_UPLOAD_TOO_MANY_FILES: 413,
  ORIGO_ERR_REMOTE_BAD_URL: 400,
  ORIGO_ERR_REMOTE_FORBIDDEN_ADDRESS: 400,
  ORIGO_ERR_REMOTE_FETCH_FAILED: 400,
  ORIGO_ERR_SEARCH_BAD_PARAMETER: 400,
  ORIGO_ERR_SERVER_INTERNAL: 500,
  ORIGO_ERR_SERVER_UNAVAILABLE: 503,
  ORIGO_ERR_SERVER_BUSY: 503,
  ORIGO_ERR_STORAGE_FULL: 507,
  ORIGO_ERR_STORAGE_BLOB_MISSING: 500,
  ORIGO_ERR_STORAGE_BLOB_DAMAGED: 500,
  ORIGO_ERR_STORAGE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Longest message sent: messages quote client input, which can be as long as a body. */
export const MAX_MESSAGE_CHARS = 2000;

function capped(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS
    ? message
    : `${message.slice(0, MAX_MESSAGE_CHARS)}… (message cut at ${MAX_MESSAGE_CHARS} characters)`;
}

export class OrigoError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra top-level keys for the rokka error body (e.g. invalid_authentication). */
  readonly extra: Record<string, unknown>;
  /** Response headers the error needs (e.g. Allow on 405). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { extra?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(capped(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OrigoError';
    this.code = code;
    this.status = ERRORS[code];
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

export function isOrigoError(err: unknown): err is OrigoError {
  // Checked by shape, not instanceof, so errors survive duplicate module copies.
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'OrigoError' && 'code' in err;
}

/** The rokka error JSON: wrapped and flat at once, so every client finds its fields. */
export function errorBody(err: OrigoError): Record<string, unknown> {
  return {
    error: { code: err.status, message: err.message, origo_code: err.code },
    code: err.status,
    message: err.message,
    ...err.extra,
  };
}
