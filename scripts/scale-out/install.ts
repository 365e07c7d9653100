// Installs the Debian packages that provide the throwaway scale-out servers
// when their binaries are missing, so `npm run test:scale-out` works on a
// fresh CI machine as well as on one that already has them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const DEBIAN_PACKAGES = ['postgresql', 'radosgw', 'ceph-mon', 'ceph-osd'];

// `ceph` and `radosgw-admin` come with ceph-common, which ceph-mon depends on;
// the harness needs them to make the OSD and the S3 user.
const CEPH_BINARIES = ['radosgw', 'radosgw-admin', 'ceph', 'ceph-mon', 'ceph-osd', 'monmaptool'];

/** Directory holding `postgres`, `initdb`…, or undefined when no server is installed. */
export function findPostgresBinDir(): string | undefined {
  const candidates: string[] = [];
  try {
    // pg_config may come from libpq-dev without the server, hence the existence check below.
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  candidates.push('/usr/lib/postgresql/15/bin');
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(`/usr/lib/postgresql/${version}/bin`);
  }
  return candidates.find((dir) => existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb')));
}

/** Absolute path of an executable on PATH (plus the sbin dirs, which a non-login PATH may lack). */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function missingBinaries(): string[] {
  const missing: string[] = [];
  if (!findPostgresBinDir()) missing.push('postgres (PostgreSQL server)');
  for (const name of CEPH_BINARIES) if (!findExecutable(name)) missing.push(name);
  return missing;
}

function run(command: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const argv = asRoot ? command : ['sudo', '-n', ...command];
  console.log(`[scale-out] $ ${argv.join(' ')}`);
  const result = spawnSync(argv[0]!, argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw new Error(`could not run ${argv[0]}: ${result.error.message}`);
  if (result.status !== 0) {
    const hint = asRoot ? '' : ' (not root: this needs root or password-less sudo)';
    throw new Error(`\`${argv.join(' ')}\` failed with exit code ${result.status}${hint}`);
  }
}

/** Installs the server packages once when any binary is missing; a no-op otherwise. */
export function ensureServerPackages(): void {
  const missing = missingBinaries();
  if (missing.length === 0) return;
  console.log(`[scale-out] missing: ${missing.join(', ')}; installing ${DEBIAN_PACKAGES.join(' ')}`);
  if (!existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `missing ${missing.join(', ')} and no apt-get here: install PostgreSQL and Ceph (radosgw, ceph-mon, ceph-osd) by hand`,
    );
  }
  const started = Date.now();
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES]);
  const stillMissing = missingBinaries();
  if (stillMissing.length > 0) {
    throw new Error(`installed ${DEBIAN_PACKAGES.join(' ')} but still missing: ${stillMissing.join(', ')}`);
  }
  console.log(`[scale-out] packages installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
