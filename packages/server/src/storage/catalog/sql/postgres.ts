// The scale-out catalog: PostgreSQL through node-postgres, a pool per process.
//
// Every query of the catalog goes through the pool handed to Kysely here, so
// this is the one place where a lost or refused connection (PostgreSQL
// restarting, unreachable, out of connections) becomes a
// StorageUnavailableError, which the HTTP layer answers 503: the same request
// can succeed once PostgreSQL is back. Every other error (a constraint, a bad
// query) passes unchanged and stays the 500 (or the retry) it was.

import {
  Kysely,
  type PostgresCursor,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import pg from 'pg';
import { StorageUnavailableError } from '../../unavailable.ts';
import type { Database } from './schema.ts';

// The catalog keeps times as epoch milliseconds and ids/sizes/counts in
// bigint columns; node-postgres hands int8 over as a string by default (it
// may exceed 2^53). Every value origo stores is far below 2^53, and the
// queries and the SQLite side expect numbers, so int8 becomes a number here,
// for this pool only (not through pg's process-wide parser table).
const INT8_OID = 20;
const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Longest wait for a connection, new or from a full pool. pg waits forever by
 * default: a server that drops packets (not refuses) would hang every request
 * and the start. A refused connection (PostgreSQL down, host up) fails at once.
 */
const CONNECT_TIMEOUT_MS = 10_000;
/** TCP keep-alive on idle connections, so one whose server vanished without a word is found and dropped. */
const KEEP_ALIVE_DELAY_MS = 10_000;

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/**
 * SQLSTATEs that are about the connection, not the query: admin_shutdown
 * (57P01, a fast or smart shutdown ending the session), crash_shutdown
 * (57P02), cannot_connect_now (57P03, starting up or shutting down),
 * too_many_connections (53300, max_connections reached: a connection may be
 * free a moment later). Class 08 (connection_exception) is matched by prefix.
 */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres' and pg-pool's own messages for a connection that failed, timed out or ended (they carry no code). */
const CONNECTION_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/** Whether `err` (or what it was caused by, or, for an AggregateError of connection attempts, every attempt) says the connection failed. */
export function isConnectionFault(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const { code, message, errors, cause } = err as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || CONNECTION_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  )
    return true;
  if (typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return true;
  // net.connect tries each address of a name (IPv4 and IPv6) and reports all failures together.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isConnectionFault(e, depth + 1))) return true;
  return isConnectionFault(cause, depth + 1);
}

/** The URL to name in a message: its password never goes to a log or an answer. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** An error's message, or its code (or its attempts' messages) when it has none: node-postgres' connect errors may be an AggregateError without one. */
function faultText(err: unknown): string {
  const { message, code, errors } = (err ?? {}) as { message?: unknown; code?: unknown; errors?: unknown };
  const sqlstate = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : '';
  if (typeof message === 'string' && message !== '') return `${message}${sqlstate}`;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(faultText).join('; ');
  return typeof code === 'string' ? code : String(err);
}

/** `err` as a StorageUnavailableError when it is a connection fault; otherwise `err` itself. */
function asCatalogError(err: unknown, where: string): unknown {
  if (!isConnectionFault(err)) return err;
  return new StorageUnavailableError(
    `cannot use the PostgreSQL catalog at ORIGO_DATABASE_URL (${where}): ${faultText(err)}`,
    err,
  );
}

/** A pooled connection whose failed queries say whether the connection was at fault. */
class CheckedClient implements PostgresPoolClient {
  /** What ended the connection while no query was running on it (pg then refuses every query with a message that says less). */
  private lostWith: unknown;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly where: string,
  ) {
    // pg-pool listens for errors only while the client is idle in the pool.
    // Checked out between two queries (inside a transaction, say), a client
    // whose server ends the session emits 'error' with nobody listening,
    // which would end the process.
    client.on('error', (err) => {
      this.lostWith = err;
    });
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Cursors (streamed queries) are not configured; Kysely refuses to stream before it gets here.
    if (typeof sqlOrCursor !== 'string') return (this.client as unknown as PostgresPoolClient).query(sqlOrCursor);
    return (
      this.client.query(sqlOrCursor, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>
    ).catch((err: unknown) => {
      throw asCatalogError(this.lostWith !== undefined && isConnectionFault(err) ? this.lostWith : err, this.where);
    });
  }

  release(destroy?: boolean): void {
    // pg-pool also drops, on release, a client whose connection failed (it is no longer queryable).
    this.client.release(destroy);
  }
}

/** The pool as Kysely sees it: acquiring a connection fails with a StorageUnavailableError when PostgreSQL cannot be reached. */
class CheckedPool implements PostgresPool {
  /** One wrapper per pooled client, so Kysely (which keys its connections by client) sees the same object each time. */
  private readonly clients = new WeakMap<pg.PoolClient, CheckedClient>();

  constructor(
    readonly pool: pg.Pool,
    private readonly where: string,
  ) {}

  async connect(): Promise<PostgresPoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw asCatalogError(err, this.where);
    }
    let checked = this.clients.get(client);
    if (checked === undefined) {
      checked = new CheckedClient(client, this.where);
      this.clients.set(client, checked);
    }
    return checked;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

export interface PostgresOptions {
  /** Connections this process keeps at most (ORIGO_DATABASE_POOL). */
  poolSize: number;
}

export function openPostgres(url: string, options: PostgresOptions): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    types: typeParsers,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEP_ALIVE_DELAY_MS,
  });
  // An idle client whose server went away (PostgreSQL restarted) emits
  // 'error' on the pool; unhandled, that would end the process. pg-pool has
  // already dropped that client; the next query gets a fresh connection.
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new CheckedPool(pool, withoutPassword(url)) }),
  });
  return { db, pool };
}
