// A throwaway S3 server for the scale-out tests: Ceph's RADOS Gateway on a
// one-node cluster (one mon, one memstore OSD, no mgr) on 127.0.0.1, all of it
// in one temp dir, with cephx off and a freshly made S3 user.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { findExecutable } from './install.ts';
import { freeLoopbackPort, LOOPBACK } from './ports.ts';
import { CommandScope, makeTempDir, onShutdown, runCommand, type ServerProcess, spawnServer } from './processes.ts';
import { waitUntil } from './wait.ts';

export interface RadosgwServer {
  /** http://127.0.0.1:port, for a path-style S3 client */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A bucket name for the tests; not created here (the tests create it). */
  bucket: string;
  dir: string;
  /** Idempotent: stops radosgw, the OSD and the mon, and removes the temp dir. */
  stop(): Promise<void>;
}

// RGW does not check the region in the signature scope; us-east-1 keeps the
// SDK from sending a LocationConstraint on CreateBucket.
const REGION = 'us-east-1';
const RGW_NAME = 'client.rgw.origo';

function cephConf(dir: string, monPort: number, rgwPort: number, osdPortMin: number): string {
  return `[global]
fsid = ${randomUUID()}
mon_host = ${LOOPBACK}:${monPort}
public_addr = ${LOOPBACK}
cluster_addr = ${LOOPBACK}
ms_bind_ipv6 = false
ms_bind_ipv4 = true
ms_bind_port_min = ${osdPortMin}
ms_bind_port_max = ${osdPortMin + 99}
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
run_dir = ${dir}/run
admin_socket = ${dir}/run/$name.asok
pid_file = ${dir}/run/$name.pid
log_file = ${dir}/log/$name.log
crash_dir = ${dir}/crash
keyring = ${dir}/keyring
mon_data = ${dir}/mon/$cluster-$id
osd_data = ${dir}/osd/$cluster-$id
osd_objectstore = memstore
memstore_device_bytes = 4294967296
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
paxos_propose_interval = 0.05
paxos_min_wait = 0.01

[client]
auth_client_required = none
ms_mon_client_mode = crc

[${RGW_NAME}]
rgw_frontends = beast endpoint=${LOOPBACK}:${rgwPort}
rgw_data = ${dir}/rgw
rgw_gc_obj_min_wait = 60
rgw_gc_processor_period = 60
`;
}

function required(name: string): string {
  const path = findExecutable(name);
  if (!path) throw new Error(`\`${name}\` not found: run ensureServerPackages() or install radosgw ceph-mon ceph-osd`);
  return path;
}

/** True once anything answers HTTP on the port: RGW listens only after its pools exist. */
function answersHttp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: LOOPBACK, port, path: '/', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(false));
    req.end();
  });
}

export async function startRadosgw(options: { readyDeadlineMs?: number } = {}): Promise<RadosgwServer> {
  const binaries = {
    radosgw: required('radosgw'),
    radosgwAdmin: required('radosgw-admin'),
    ceph: required('ceph'),
    cephMon: required('ceph-mon'),
    cephOsd: required('ceph-osd'),
    monmaptool: required('monmaptool'),
  };
  const deadlineMs = options.readyDeadlineMs ?? 60_000;
  const { dir, remove: removeDir } = makeTempDir('origo-rgw-');
  for (const sub of ['run', 'log', 'crash', 'mon', 'osd/ceph-0', 'rgw']) mkdirSync(join(dir, sub), { recursive: true });

  const servers: ServerProcess[] = [];
  const setup = new CommandScope();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      await setup.abort();
      // Front to back, so no daemon spends its grace period retrying a peer that is already gone.
      for (const server of [...servers].reverse()) await server.stop('SIGTERM', 5_000);
      removeDir();
    })();
    return stopping;
  };
  const unregister = onShutdown(stop);

  try {
    const monPort = await freeLoopbackPort();
    let rgwPort = await freeLoopbackPort();
    while (rgwPort === monPort) rgwPort = await freeLoopbackPort();
    // Ceph skips busy ports inside the range, so a random window only has to be mostly free.
    const osdPortMin = 20_000 + Math.floor(Math.random() * 9_000);
    const conf = join(dir, 'ceph.conf');
    writeFileSync(conf, cephConf(dir, monPort, rgwPort, osdPortMin));
    const confArgs = ['--conf', conf];
    const quick = { cwd: dir, timeoutMs: 30_000, scope: setup };
    const monmap = join(dir, 'monmap');

    await runCommand(
      binaries.monmaptool,
      [...confArgs, '--create', '--clobber', '--add', 'a', `${LOOPBACK}:${monPort}`, monmap],
      quick,
    );
    await runCommand(binaries.cephMon, [...confArgs, '--mkfs', '-i', 'a', '--monmap', monmap], quick);
    // The daemon's own log_file, with its stdout and stderr appended: one place to read on failure.
    const logOf = (name: string) => join(dir, 'log', `${name}.log`);
    const launch = (name: string, command: string, args: string[], logName: string): void => {
      if (stopping) throw new Error(`radosgw cluster was stopped while starting (before ${name})`);
      servers.push(spawnServer(name, command, [...confArgs, '-f', ...args], { logFile: logOf(logName), cwd: dir }));
    };
    launch('ceph-mon', binaries.cephMon, ['-i', 'a'], 'mon.a');

    const osdUuid = randomUUID();
    // `ceph osd create` waits for the mon; --connect-timeout bounds that wait.
    const osdId = (
      await runCommand(binaries.ceph, [...confArgs, '--connect-timeout', '30', 'osd', 'create', osdUuid], {
        ...quick,
        timeoutMs: 40_000,
      })
    ).trim();
    if (osdId !== '0') throw new Error(`expected OSD id 0 on a fresh cluster, got ${JSON.stringify(osdId)}`);
    // -f: without it `ceph-osd --mkfs` forks a daemon copy of itself to do the work.
    await runCommand(binaries.cephOsd, [...confArgs, '-f', '--mkfs', '-i', osdId, '--osd-uuid', osdUuid], quick);
    launch('ceph-osd', binaries.cephOsd, ['-i', osdId], `osd.${osdId}`);
    launch('radosgw', binaries.radosgw, ['-n', RGW_NAME], RGW_NAME);
    await waitUntil(`radosgw on ${LOOPBACK}:${rgwPort}`, () => answersHttp(rgwPort), { deadlineMs, servers });

    const accessKeyId = `ORIGO${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(20).toString('hex');
    await runCommand(
      binaries.radosgwAdmin,
      [
        ...confArgs,
        '-n',
        RGW_NAME,
        'user',
        'create',
        '--uid',
        'origo-test',
        '--display-name',
        'origo scale-out tests',
        `--access-key=${accessKeyId}`,
        `--secret=${secretAccessKey}`,
      ],
      quick,
    );
    const endpoint = `http://${LOOPBACK}:${rgwPort}`;
    const client = new S3Client({
      endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
    try {
      // A signed request succeeding proves the user is visible to radosgw, not just written.
      await waitUntil(
        'an authenticated S3 request',
        async () => (await client.send(new ListBucketsCommand({}))) !== undefined,
        {
          deadlineMs,
          servers,
          intervalMs: 100,
        },
      );
    } finally {
      client.destroy();
    }
    return {
      endpoint,
      region: REGION,
      accessKeyId,
      secretAccessKey,
      bucket: `origo-test-${randomBytes(4).toString('hex')}`,
      dir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
