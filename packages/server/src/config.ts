// Every setting origo has, read and validated in one place. Nothing else in
// the code reads process.env. A bad value stops the process at start with a
// message that names the setting.

import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  host: string;
  port: number;
  /** Folder for the SQLite catalog, the blobs, temp files and the generated root key. */
  dataDir: string;
  /** Root key given by the environment; when absent one is generated and its hash kept in dataDir. */
  rootKey: string | undefined;
  /** Largest accepted file, in bytes (uploads and remote URLs). */
  maxUploadBytes: number;
  /** Largest accepted image, in pixels (width × height), checked from the header before decoding. */
  maxPixels: number;
  /** Most files (and URLs) in one create request. */
  maxFilesPerRequest: number;
  /** How long a soft-deleted image can be restored, in milliseconds. */
  restoreWindowMs: number;
  /** How often the purge and blob-collection sweep runs, in milliseconds (0 = never). */
  sweepIntervalMs: number;
  /** Blobs younger than this are never collected (an upload may be between blob write and row insert). */
  blobGraceMs: number;
  logLevel: LogLevel;
  /** Allow `url[i]` uploads from private, loopback and link-local addresses. */
  allowPrivateUrls: boolean;
  remoteFetchTimeoutMs: number;
  /** Largest JSON body (metadata, names, options), in bytes. */
  maxJsonBodyBytes: number;
  /** Let anyone create a user and organization with POST /users (the root key always may). */
  openSignup: boolean;
  /** Requests a minute per API key or token (0 = unlimited); the root key is never limited. */
  rateLimitPerMinute: number;
  /** Origins browsers may call the API from: ['*'], a list, or [] for none. */
  corsOrigins: string[];
  /**
   * Which hops of X-Forwarded-For to believe (behind a reverse proxy): true =
   * every one (the left-most entry is the client), a number = that many
   * proxies in front of origo, a list = the proxies' addresses or CIDR ranges.
   */
  trustProxy: TrustProxy;
  /** SQLite commit durability: 'full' (fsync per commit) or 'normal' (survives crashes of origo, not power cuts). */
  sqliteDurability: 'full' | 'normal';
  /** Most frames (animation) or pages in one image, counted from the header. */
  maxFrames: number;
  /** How many image decodes (probing, later rendering) run at once; the rest wait in one queue. */
  decodeConcurrency: number;
  /** Longest a request waits for a place in the decode queue before it is answered 503, in milliseconds. */
  decodeQueueTimeoutMs: number;
  /** Longest a client may take to send its request headers, in milliseconds. */
  headersTimeoutMs: number;
  /** Longest a request body may go without a byte before it is answered 408, in milliseconds. */
  bodyIdleTimeoutMs: number;
  /** Longest a response may wait for its client to read more bytes before the connection is closed, in milliseconds. */
  sendIdleTimeoutMs: number;
  /** On SIGTERM/SIGINT, longest wait for requests in flight before the rest are closed, in milliseconds. */
  shutdownGraceMs: number;
  /** How often every blob is re-hashed by the scrub job, in milliseconds (0 = never). */
  scrubIntervalMs: number;
  /** Failed authentications a minute per client address before 429 (0 = unlimited). */
  authFailuresPerMinute: number;
  /** Where blobs are kept: undefined = files under dataDir; else an S3-compatible bucket. */
  s3: S3Config | undefined;
  /** PostgreSQL catalog (ORIGO_DATABASE_URL, a postgres:// URL); undefined = SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** Connections each process keeps to PostgreSQL at most. */
  databasePool: number;
  /**
   * Also serve renders host-based, as rokka does: a request to
   * `{org}.{renderDomain}/{stack}/…` renders for `org` (undefined = only
   * under /render/{org}/).
   */
  renderDomain: string | undefined;
  /** Distinct uncached renders an organization may ask for a minute, per node (0 = unlimited); cached renders are not counted. */
  rendersPerMinute: number;
  /** Serve the web dashboard at /dashboard/ (ORIGO_DASHBOARD, default true). */
  dashboard: boolean;
}

export interface S3Config {
  /** undefined = AWS S3's own endpoint for the region. */
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Put before every object key ("" for none). */
  prefix: string;
}

export type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${raw}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** Names @fastify/proxy-addr expands into ranges (loopback: 127.0.0.1/8 and ::1/128, and so on). */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  // proxy-addr refuses a /0 (trusting every address is ORIGO_TRUST_PROXY=true).
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
}

function trustProxy(env: Env): TrustProxy {
  const raw = read(env, 'ORIGO_TRUST_PROXY');
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (['false', 'no', 'off'].includes(lower)) return false;
  if (/^\d+$/.test(raw)) {
    const hops = integer(env, 'ORIGO_TRUST_PROXY', 0, 0, 100);
    return hops === 0 ? false : hops;
  }
  const proxies = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const bad = proxies.find((p) => !isProxyAddress(p));
  if (bad !== undefined || proxies.length === 0) {
    throw new ConfigError(
      `ORIGO_TRUST_PROXY must be true, false, the number of proxies in front of origo, or a comma-separated list of the proxies' addresses or CIDR ranges (like 10.0.0.0/8), got "${bad ?? raw}"`,
    );
  }
  return proxies;
}

function corsOrigins(raw: string): string[] {
  if (raw === 'none') return [];
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        `ORIGO_CORS_ORIGINS must be *, none, or a comma-separated list of origins like https://app.example.com, got "${origin}"`,
      );
    }
  }
  return origins;
}

function durability(raw: string): 'full' | 'normal' {
  const value = raw.toLowerCase();
  if (value !== 'full' && value !== 'normal')
    throw new ConfigError(`ORIGO_SQLITE_DURABILITY must be full or normal, got "${raw}"`);
  return value;
}

/**
 * One decode per core, but at most 3: sharp runs on libuv's thread pool (4
 * threads unless UV_THREADPOOL_SIZE says otherwise), which staging and blob
 * writes share; a fourth decode would leave file I/O no thread.
 */
function defaultDecodeConcurrency(): number {
  return Math.max(1, Math.min(availableParallelism(), 3));
}

const S3_SETTINGS = [
  'ORIGO_S3_ENDPOINT',
  'ORIGO_S3_BUCKET',
  'ORIGO_S3_ACCESS_KEY_ID',
  'ORIGO_S3_SECRET_ACCESS_KEY',
  'ORIGO_S3_REGION',
  'ORIGO_S3_FORCE_PATH_STYLE',
  'ORIGO_S3_PREFIX',
];
const S3_REQUIRED = ['ORIGO_S3_BUCKET', 'ORIGO_S3_ACCESS_KEY_ID', 'ORIGO_S3_SECRET_ACCESS_KEY'];

/**
 * The S3 blob store when any ORIGO_S3_* is set. A partial set is refused
 * rather than falling back to files: blobs written to the data folder by
 * a node meant to share a bucket would be missing on every other node.
 */
function s3Config(env: Env): S3Config | undefined {
  const given = S3_SETTINGS.filter((name) => read(env, name) !== undefined);
  if (given.length === 0) return undefined;
  const missing = S3_REQUIRED.filter((name) => read(env, name) === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set, so blobs go to S3, which also needs ${missing.join(', ')}; set ${missing.length === 1 ? 'it' : 'them'}, or unset every ORIGO_S3_* setting to keep blobs in the data folder`,
    );
  }
  const endpoint = read(env, 'ORIGO_S3_ENDPOINT');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {}
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '') {
      throw new ConfigError(
        `ORIGO_S3_ENDPOINT must be an http:// or https:// URL like http://127.0.0.1:7480, got "${endpoint}"`,
      );
    }
  }
  const bucket = read(env, 'ORIGO_S3_BUCKET')!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(
      `ORIGO_S3_BUCKET must be a bucket name of 3 to 63 lower-case letters, digits, dots and hyphens, got "${bucket}"`,
    );
  }
  const region = read(env, 'ORIGO_S3_REGION') ?? 'us-east-1';
  if (!/^[a-z0-9-]+$/.test(region))
    throw new ConfigError(`ORIGO_S3_REGION must be a region name like us-east-1, got "${region}"`);
  const prefix = read(env, 'ORIGO_S3_PREFIX') ?? '';
  if (prefix.startsWith('/') || prefix.length > 512) {
    throw new ConfigError(`ORIGO_S3_PREFIX must not start with "/" and be at most 512 characters, got "${prefix}"`);
  }
  return {
    endpoint,
    bucket,
    region,
    accessKeyId: read(env, 'ORIGO_S3_ACCESS_KEY_ID')!,
    secretAccessKey: read(env, 'ORIGO_S3_SECRET_ACCESS_KEY')!,
    // Most self-hosted stores (radosgw, MinIO) have no per-bucket host names.
    forcePathStyle: boolean(env, 'ORIGO_S3_FORCE_PATH_STYLE', endpoint !== undefined),
    prefix,
  };
}

/** A PostgreSQL connection URL; the message never repeats it, since it may hold a password. */
function databaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'ORIGO_DATABASE_URL must be a URL like postgres://user:password@host:5432/database (it does not parse as a URL)',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`ORIGO_DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//"`);
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new ConfigError('ORIGO_DATABASE_URL names no host: use postgres://user:password@host:5432/database');
  }
  if (url.pathname.replace(/^\//, '') === '') {
    throw new ConfigError(
      'ORIGO_DATABASE_URL names no database: add it after the host, e.g. postgres://user:password@host:5432/origo',
    );
  }
  return raw;
}

/** A host name under which each organization has a render host: lower-case labels, no scheme or port. */
function renderDomain(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const domain = raw.toLowerCase();
  if (!/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(domain)) {
    throw new ConfigError(
      `ORIGO_RENDER_DOMAIN must be a host name like images.example.com (no scheme, port or path), got "${raw}"`,
    );
  }
  return domain;
}

const MB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const rootKey = read(env, 'ORIGO_ROOT_KEY');
  if (rootKey !== undefined && (rootKey.length < 16 || !/^[\x21-\x7e]+$/.test(rootKey))) {
    throw new ConfigError('ORIGO_ROOT_KEY must be at least 16 printable characters without spaces');
  }
  const logLevel = (read(env, 'ORIGO_LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`ORIGO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const host = read(env, 'HOST') ?? '127.0.0.1';
  return {
    host,
    port: integer(env, 'PORT', 8080, 0, 65535),
    dataDir: path.resolve(cwd, read(env, 'ORIGO_DATA_DIR') ?? 'data'),
    rootKey,
    maxUploadBytes: integer(env, 'ORIGO_MAX_UPLOAD_BYTES', 1180 * MB, 1, Number.MAX_SAFE_INTEGER),
    maxPixels: integer(env, 'ORIGO_MAX_PIXELS', 225_000_000, 1, Number.MAX_SAFE_INTEGER),
    maxFilesPerRequest: integer(env, 'ORIGO_MAX_FILES_PER_REQUEST', 100, 1, 10_000),
    restoreWindowMs: integer(env, 'ORIGO_RESTORE_WINDOW_DAYS', 30, 0, 36_500) * DAY_MS,
    sweepIntervalMs: integer(env, 'ORIGO_SWEEP_INTERVAL_SECONDS', 3600, 0, 31_536_000) * 1000,
    blobGraceMs: integer(env, 'ORIGO_BLOB_GRACE_SECONDS', 3600, 0, 31_536_000) * 1000,
    logLevel,
    allowPrivateUrls: boolean(env, 'ORIGO_ALLOW_PRIVATE_URLS', false),
    remoteFetchTimeoutMs: integer(env, 'ORIGO_URL_FETCH_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
    maxJsonBodyBytes: integer(env, 'ORIGO_MAX_JSON_BYTES', 256 * 1024, 1024, 64 * MB),
    openSignup: boolean(env, 'ORIGO_OPEN_SIGNUP', false),
    rateLimitPerMinute: integer(env, 'ORIGO_RATE_LIMIT_PER_MINUTE', 6000, 0, 100_000_000),
    corsOrigins: corsOrigins(read(env, 'ORIGO_CORS_ORIGINS') ?? '*'),
    trustProxy: trustProxy(env),
    sqliteDurability: durability(read(env, 'ORIGO_SQLITE_DURABILITY') ?? 'full'),
    maxFrames: integer(env, 'ORIGO_MAX_FRAMES', 1000, 1, 1_000_000),
    decodeConcurrency: integer(env, 'ORIGO_DECODE_CONCURRENCY', defaultDecodeConcurrency(), 1, 1024),
    decodeQueueTimeoutMs: integer(env, 'ORIGO_DECODE_QUEUE_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
    headersTimeoutMs: integer(env, 'ORIGO_HEADERS_TIMEOUT_SECONDS', 10, 1, 3600) * 1000,
    bodyIdleTimeoutMs: integer(env, 'ORIGO_BODY_IDLE_TIMEOUT_SECONDS', 15, 1, 3600) * 1000,
    sendIdleTimeoutMs: integer(env, 'ORIGO_SEND_IDLE_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
    shutdownGraceMs: integer(env, 'ORIGO_SHUTDOWN_GRACE_SECONDS', 10, 0, 3600) * 1000,
    scrubIntervalMs: integer(env, 'ORIGO_SCRUB_INTERVAL_SECONDS', 0, 0, 31_536_000) * 1000,
    authFailuresPerMinute: integer(env, 'ORIGO_AUTH_FAILURES_PER_MINUTE', 60, 0, 100_000_000),
    s3: s3Config(env),
    databaseUrl: databaseUrl(read(env, 'ORIGO_DATABASE_URL')),
    databasePool: integer(env, 'ORIGO_DATABASE_POOL', 10, 1, 1000),
    renderDomain: renderDomain(read(env, 'ORIGO_RENDER_DOMAIN')),
    rendersPerMinute: integer(env, 'ORIGO_RENDERS_PER_MINUTE', 600, 0, 100_000_000),
    dashboard: boolean(env, 'ORIGO_DASHBOARD', true),
  };
}
