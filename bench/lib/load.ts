// A small autocannon: N keep-alive connections, each sending the next
// request as soon as the previous response has been read in full, for a
// fixed time. Two engines:
//
//  - 'http': node:http with a keep-alive Agent (maxSockets = connections).
//  - 'raw':  one net.Socket per connection writing a pre-built request and
//            reading responses with a minimal Content-Length parser, as
//            autocannon does. It costs the client far less CPU per request,
//            so on a 2-core machine it is what can saturate a fast server.
//
// Requests may carry a body (PATCH); responses need a Content-Length unless
// they are 204 or 304, which is all the benchmarks need.

import http from 'node:http';
import net from 'node:net';
import { cpuMs, machineCpuMs } from './proc.ts';

export type Engine = 'http' | 'raw';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
  engine: Engine;
  /** The server's pid, to report its CPU use during the run. */
  serverPid?: number;
  method?: string;
  body?: Buffer;
  /**
   * Requests to cycle through instead of one (`url`'s path and `body`): the
   * n-th request sent, over all connections, is variant n mod length. Only
   * path and body vary; host, method and headers are the same for all.
   */
  variants?: { path: string; body?: Buffer }[];
}

export interface LoadResult {
  requests: number;
  /** Response body bytes received. */
  bytes: number;
  elapsedMs: number;
  reqPerSec: number;
  bytesPerSec: number;
  /** Responses by status code. */
  statuses: Record<number, number>;
  errors: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** CPU used, as a share of one core: 1 = one core busy all the time. */
  clientCpu: number;
  serverCpu: number | undefined;
  /**
   * Server CPU time per request, in µs. Steal time of a shared VM does not
   * count as CPU time, so this is steadier than req/s on a noisy machine.
   */
  serverCpuUsPerReq: number | undefined;
  /** CPU used by everything else on the machine (other processes, kernel), in cores: noise. */
  otherCpu: number;
  /** CPU time stolen by the hypervisor, in cores: noise. */
  stealCpu: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const u = new URL(options.url);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let requests = 0;
  let bytes = 0;
  let errors = 0;
  const record = (status: number, bodyBytes: number, startedAt: number) => {
    latencies.push(performance.now() - startedAt);
    statuses[status] = (statuses[status] ?? 0) + 1;
    requests++;
    bytes += bodyBytes;
  };

  const serverCpu0 = options.serverPid === undefined ? 0 : cpuMs(options.serverPid);
  const clientCpu0 = process.cpuUsage();
  const machine0 = machineCpuMs();
  const t0 = performance.now();
  const deadline = t0 + options.durationMs;
  const loop = options.engine === 'raw' ? rawLoop : httpLoop;
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
  });
  const onError = () => {
    errors++;
  };
  try {
    const variants = options.variants ?? [{ path: u.pathname + u.search, body: options.body }];
    let sent = 0;
    const shape: RequestShape = { method: options.method ?? 'GET', variants, next: () => sent++ % variants.length };
    await Promise.all(
      Array.from({ length: options.connections }, () =>
        loop(u, options.headers ?? {}, shape, deadline, agent, record, onError),
      ),
    );
  } finally {
    agent.destroy();
  }
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(clientCpu0);
  const machine1 = machineCpuMs();
  const serverCpu = options.serverPid === undefined ? undefined : (cpuMs(options.serverPid) - serverCpu0) / elapsedMs;

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requests,
    bytes,
    elapsedMs,
    reqPerSec: (requests * 1000) / elapsedMs,
    bytesPerSec: (bytes * 1000) / elapsedMs,
    statuses,
    errors,
    latencyMs: { p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? Number.NaN },
    clientCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
    serverCpu,
    serverCpuUsPerReq:
      serverCpu === undefined || requests === 0 ? undefined : (serverCpu * elapsedMs * 1000) / requests,
    otherCpu: Math.max(
      0,
      (machine1.busy - machine0.busy) / elapsedMs - (cpu.user + cpu.system) / 1000 / elapsedMs - (serverCpu ?? 0),
    ),
    stealCpu: (machine1.steal - machine0.steal) / elapsedMs,
  };
}

type Record_ = (status: number, bodyBytes: number, startedAt: number) => void;

/** Sequential requests through the keep-alive agent until the deadline. */
type RequestShape = { method: string; variants: { path: string; body?: Buffer }[]; next: () => number };

function httpLoop(
  u: URL,
  headers: Record<string, string>,
  shape: RequestShape,
  deadline: number,
  agent: http.Agent,
  record: Record_,
  onError: () => void,
): Promise<void> {
  return new Promise((resolve) => {
    const next = () => {
      if (performance.now() >= deadline) return resolve();
      const startedAt = performance.now();
      const variant = shape.variants[shape.next()]!;
      const req = http.request(
        { agent, host: u.hostname, port: u.port, path: variant.path, method: shape.method, headers },
        (res) => {
          let n = 0;
          res.on('data', (chunk: Buffer) => {
            n += chunk.length;
          });
          res.on('end', () => {
            record(res.statusCode ?? 0, n, startedAt);
            next();
          });
          res.on('error', () => {
            onError();
            next();
          });
        },
      );
      req.on('error', () => {
        onError();
        setTimeout(next, 10);
      });
      req.end(variant.body);
    };
    next();
  });
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** One socket, one request in flight, minimal response parsing. */
function rawLoop(
  u: URL,
  headers: Record<string, string>,
  shape: RequestShape,
  deadline: number,
  _agent: http.Agent,
  record: Record_,
  onError: () => void,
): Promise<void> {
  const requests = shape.variants.map(({ path, body }) => {
    const lines = [`${shape.method} ${path} HTTP/1.1`, `Host: ${u.host}`, 'Connection: keep-alive'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body) lines.push(`Content-Length: ${body.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]);
  });

  return new Promise((resolve) => {
    let socket: net.Socket;
    let head: Buffer = Buffer.alloc(0);
    let inBody = false;
    let remaining = 0;
    let status = 0;
    let bodyBytes = 0;
    let startedAt = 0;
    let finished = false;

    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      resolve();
    };
    const send = () => {
      if (performance.now() >= deadline) return finish();
      head = Buffer.alloc(0);
      inBody = false;
      bodyBytes = 0;
      startedAt = performance.now();
      socket.write(requests[shape.next()]!);
    };
    const complete = () => {
      record(status, bodyBytes, startedAt);
      send();
    };
    const connect = () => {
      socket = net.connect({ host: u.hostname, port: Number(u.port), noDelay: true });
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        let off = 0;
        while (off < chunk.length && !finished) {
          if (inBody) {
            const take = Math.min(remaining, chunk.length - off);
            remaining -= take;
            bodyBytes += take;
            off += take;
            if (remaining === 0) complete();
            continue;
          }
          head = head.length === 0 ? chunk.subarray(off) : Buffer.concat([head, chunk.subarray(off)]);
          off = chunk.length;
          const end = head.indexOf(CRLFCRLF);
          if (end === -1) continue;
          const text = head.toString('latin1', 0, end);
          status = Number(text.slice(9, 12));
          const m = /\r\ncontent-length:\s*(\d+)/i.exec(text);
          if (!m && status !== 204 && status !== 304) {
            onError();
            return finish();
          }
          remaining = m ? Number(m[1]) : 0;
          inBody = true;
          // Continue with the bytes after the header in this same buffer.
          const rest = head.subarray(end + 4);
          head = Buffer.alloc(0);
          if (remaining === 0) {
            complete();
            continue;
          }
          const take = Math.min(remaining, rest.length);
          remaining -= take;
          bodyBytes += take;
          if (remaining === 0) complete();
        }
      });
      socket.on('error', () => {
        onError();
        finish();
      });
      socket.on('close', () => {
        if (!finished) {
          if (performance.now() < deadline) {
            onError();
            connect();
          } else finish();
        }
      });
    };
    connect();
  });
}
