// A throwaway PostgreSQL server for the scale-out tests: a fresh cluster in a
// temp dir, on a free 127.0.0.1 port, tuned for speed over durability.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBinDir } from './install.ts';
import { freeLoopbackPort, LOOPBACK } from './ports.ts';
import { CommandScope, makeTempDir, onShutdown, runCommand, spawnServer } from './processes.ts';
import { giveTo, unprivilegedUser } from './run-as.ts';
import { waitUntil } from './wait.ts';

export interface PostgresServer {
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  dataDir: string;
  logFile: string;
  /**
   * A fast shutdown (every session ended with 57P01, as on a real restart),
   * then a start on the same port and data; resolves once it answers again.
   * For fault tests: what clients see while PostgreSQL goes away and returns.
   */
  restart(): Promise<void>;
  /** Idempotent: stops the server and removes its temp dir. */
  stop(): Promise<void>;
}

const DATABASE = 'origo_test';
const SUPERUSER = 'postgres';

// Test speed, not durability: the cluster is thrown away after the run.
const TEST_SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'max_connections=200',
  'log_min_messages=warning',
];

export async function startPostgres(options: { readyDeadlineMs?: number } = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (!binDir)
    throw new Error('no PostgreSQL server binaries found: run ensureServerPackages() or install `postgresql`');
  const runAs = unprivilegedUser('postgres');
  const { dir, remove: removeDir } = makeTempDir('origo-pg-');
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const logFile = join(dir, 'postgres.log');
  const passwordFile = join(dir, 'password');
  const password = randomBytes(18).toString('hex');
  mkdirSync(socketDir);
  writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
  writeFileSync(logFile, '');
  giveTo(runAs, dir, socketDir, passwordFile, logFile);

  const setup = new CommandScope();
  let stopping: Promise<void> | undefined;
  let server: ReturnType<typeof spawnServer> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      await setup.abort();
      // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect).
      await server?.stop('SIGINT', 10_000);
      removeDir();
    })();
    return stopping;
  };
  const unregister = onShutdown(stop);

  try {
    await runCommand(
      join(binDir, 'initdb'),
      [
        '--pgdata',
        dataDir,
        '--username',
        SUPERUSER,
        '--pwfile',
        passwordFile,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: dir, timeoutMs: 60_000, runAs, scope: setup },
    );
    const port = await freeLoopbackPort();
    const settings = [
      `listen_addresses=${LOOPBACK}`,
      `port=${port}`,
      `unix_socket_directories=${socketDir}`,
      ...TEST_SETTINGS,
    ];
    if (stopping) throw new Error('PostgreSQL was stopped while starting');
    const adminUrl = `postgres://${SUPERUSER}:${password}@${LOOPBACK}:${port}/postgres`;
    const launch = async (): Promise<void> => {
      const started = spawnServer(
        'postgres',
        join(binDir, 'postgres'),
        ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])],
        {
          logFile,
          cwd: dir,
          runAs,
        },
      );
      server = started;
      await waitUntil(
        `PostgreSQL on ${LOOPBACK}:${port}`,
        async () => {
          const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
          try {
            await client.connect();
            await client.query('select 1');
            return true;
          } finally {
            await client.end().catch(() => undefined);
          }
        },
        { deadlineMs: options.readyDeadlineMs ?? 30_000, servers: [started] },
      );
    };
    await launch();
    let restarting: Promise<void> | undefined;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${DATABASE}`);
    } finally {
      await admin.end();
    }
    return {
      url: `postgres://${SUPERUSER}:${password}@${LOOPBACK}:${port}/${DATABASE}`,
      dataDir,
      logFile,
      restart() {
        restarting ??= (async () => {
          if (stopping) throw new Error('PostgreSQL is stopping');
          await server?.stop('SIGINT', 10_000);
          if (stopping) throw new Error('PostgreSQL was stopped while restarting');
          await launch();
        })().finally(() => {
          restarting = undefined;
        });
        return restarting;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
