// Process entry: config -> storage -> app -> listen. SIGTERM and SIGINT
// stop accepting, let in-flight requests finish for at most the shutdown
// grace, close the connections still open, then close the database.

import { pathToFileURL } from 'node:url';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { stopServer } from './http/shutdown.ts';
import { every } from './service/periodic.ts';
import { loadRootKey } from './service/root-key.ts';
import { scheduleScrub } from './service/scrub-schedule.ts';
import { sweep } from './service/sweep.ts';
import { closeStorage, openStorage } from './storage/index.ts';
import { DataDirInUseError, type LockHolder, lockDataDir, type SingleNodeLock } from './storage/single-node-lock.ts';
import { storageUnavailableIn } from './storage/unavailable.ts';

export async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`origo: bad setting: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  // Until the app's log exists, a server found beside this one is reported on stderr.
  let reportIntruder = (message: string, _intruder: LockHolder): void => {
    process.stderr.write(`origo: ${message}\n`);
  };
  let lock: SingleNodeLock | undefined;
  if (config.databaseUrl === undefined) {
    try {
      lock = lockDataDir(config.dataDir, { onIntruder: (message, intruder) => reportIntruder(message, intruder) });
    } catch (err) {
      if (err instanceof DataDirInUseError) {
        process.stderr.write(`origo: cannot start: ${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
  }

  let storage: Awaited<ReturnType<typeof openStorage>>;
  try {
    storage = await openStorage(config);
  } catch (err) {
    // A store that refuses the settings is the operator's to fix, like a bad setting: say what, not where in the code.
    const unavailable = storageUnavailableIn(err);
    if (unavailable) {
      process.stderr.write(`origo: cannot start: ${unavailable.reason}\n`);
      process.exit(2);
    }
    throw err;
  }
  const rootKey = await loadRootKey(config, storage.accounts);
  if (rootKey.generated) {
    process.stdout.write(
      `\norigo: generated the root API key (shown only this once; its SHA-256 is in ${rootKey.keptIn}):\n\n    ${rootKey.generated}\n\n` +
        `Send it as the Api-Key header. ${rootKey.renew}.\n\n`,
    );
  }
  const app = await buildApp({ config, storage, rootKeyDigest: rootKey.digest });
  reportIntruder = (message, intruder) => app.log.error({ intruder }, message);

  const sweeping =
    config.sweepIntervalMs > 0
      ? every(
          config.sweepIntervalMs,
          // Soon after start, not at once: the first requests come first.
          Math.min(5_000, config.sweepIntervalMs),
          async (signal) => {
            const report = await sweep(app.deps, signal);
            if (report.purgedImages > 0 || report.removedBlobs > 0)
              app.log.info(report, 'sweep: purged expired images and unused blobs');
            if (signal.aborted)
              app.log.info(report, 'sweep: stopped early for the shutdown; the next start sweeps the rest');
          },
          (err) => app.log.error({ err }, 'sweep failed'),
        )
      : undefined;
  const scrubbing = config.scrubIntervalMs > 0 ? scheduleScrub(app.deps, app.log, config.scrubIntervalMs) : undefined;
  app.addHook('onClose', async () => {
    await Promise.all([sweeping?.stop(), scrubbing?.stop()]);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal, graceMs: config.shutdownGraceMs }, 'stopping: finishing in-flight requests');
    try {
      const report = await stopServer(app, config.shutdownGraceMs);
      if (report.cutConnections > 0) {
        app.log.warn(
          report,
          `stopping: closed ${report.cutConnections} connections still open after ${config.shutdownGraceMs / 1000} s (ORIGO_SHUTDOWN_GRACE_SECONDS)`,
        );
      }
      if (report.unfinishedHandlers > 0)
        app.log.warn(report, 'stopping: requests still running when the database is closed');
      await closeStorage(storage);
      lock?.release();
      app.log.info({ cutConnections: report.cutConnections }, 'stopped cleanly');
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'unclean stop');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
}

export function run(): void {
  main().catch((err) => {
    process.stderr.write(`origo: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

// Run when started as a script (npm start); the CLI (cli.ts) calls run() itself.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) run();
