// `npm run test:scale-out [-- vitest args]`: installs PostgreSQL and Ceph when
// missing, starts a throwaway PostgreSQL and radosgw on 127.0.0.1, runs vitest
// with ORIGO_TEST_DATABASE_URL / ORIGO_TEST_S3_* pointing at them, then stops
// both and exits with vitest's exit code (servers are stopped on failure and
// on SIGINT/SIGTERM too). Fault tests get PostgreSQL servers of their own, to
// restart at will, through ORIGO_TEST_SCALE_OUT_CONTROL_URL (scale-out/control.ts).
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { startControlServer } from './scale-out/control.ts';
import { ensureServerPackages } from './scale-out/install.ts';
import { type PostgresServer, startPostgres } from './scale-out/postgres.ts';
import { exitCodeAfterSignal, onShutdown, trackProcessGroup } from './scale-out/processes.ts';
import { type RadosgwServer, startRadosgw } from './scale-out/radosgw.ts';

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(2)} s`;

async function startBoth(): Promise<{ postgres: PostgresServer; radosgw: RadosgwServer }> {
  const timed = async <T>(name: string, start: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const server = await start();
    console.log(`[scale-out] ${name} ready in ${seconds(started)}`);
    return server;
  };
  const [postgres, radosgw] = await Promise.allSettled([
    timed('PostgreSQL', () => startPostgres()),
    timed('radosgw', () => startRadosgw()),
  ]);
  if (postgres.status === 'fulfilled' && radosgw.status === 'fulfilled') {
    return { postgres: postgres.value, radosgw: radosgw.value };
  }
  if (postgres.status === 'fulfilled') await postgres.value.stop();
  if (radosgw.status === 'fulfilled') await radosgw.value.stop();
  const reasons = [postgres, radosgw]
    .filter((result) => result.status === 'rejected')
    .map((result) => String((result as PromiseRejectedResult).reason?.message ?? result));
  throw new Error(reasons.join('\n\n'));
}

function runVitest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Its own process group, so that stopping the tests reaches vitest and its workers
  // and not just npx (which exits without passing SIGTERM on to the vitest it started).
  const child = spawn('npx', ['vitest', 'run', ...args], { stdio: 'inherit', env, detached: true });
  const group = trackProcessGroup(child);
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      group.killGroup('SIGKILL'); // workers left behind by a crashed vitest
      resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1));
    });
    child.once('error', (error) => {
      console.error(`[scale-out] could not run vitest: ${error.message}`);
      resolve(1);
    });
  });
  // On SIGINT/SIGTERM the tests stop first, then the servers they were using.
  onShutdown(async () => {
    group.killGroup('SIGTERM');
    const timer = setTimeout(() => group.killGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  });
  return exited;
}

async function main(): Promise<number> {
  const runStarted = performance.now();
  ensureServerPackages();
  const startStarted = performance.now();
  const { postgres, radosgw } = await startBoth();
  console.log(`[scale-out] PostgreSQL ${postgres.url.replace(/:[^:@/]+@/, ':***@')}`);
  console.log(`[scale-out] radosgw ${radosgw.endpoint} (bucket ${radosgw.bucket})`);
  console.log(`[scale-out] both servers ready in ${seconds(startStarted)}`);
  const control = await startControlServer();
  let exitCode = 1;
  try {
    exitCode = await runVitest(process.argv.slice(2), {
      ...process.env,
      ORIGO_TEST_SCALE_OUT_CONTROL_URL: control.url,
      ORIGO_TEST_DATABASE_URL: postgres.url,
      ORIGO_TEST_S3_ENDPOINT: radosgw.endpoint,
      ORIGO_TEST_S3_BUCKET: radosgw.bucket,
      ORIGO_TEST_S3_REGION: radosgw.region,
      ORIGO_TEST_S3_ACCESS_KEY_ID: radosgw.accessKeyId,
      ORIGO_TEST_S3_SECRET_ACCESS_KEY: radosgw.secretAccessKey,
    });
  } finally {
    const stopStarted = performance.now();
    await Promise.all([control.stop(), postgres.stop(), radosgw.stop()]);
    console.log(`[scale-out] servers stopped in ${seconds(stopStarted)}; whole run ${seconds(runStarted)}`);
  }
  return exitCode;
}

main().then(
  (code) => process.exit(exitCodeAfterSignal() ?? code),
  (error: Error) => {
    console.error(`[scale-out] ${error.message}`);
    process.exit(exitCodeAfterSignal() ?? 1);
  },
);
