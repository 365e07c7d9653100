// HTTP/1.1 over a bare socket, for clients that misbehave on purpose: stop
// sending half-way through headers or a body, or never read the answer
// (fetch and node:http cannot stall like that).

import { once } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import net from 'node:net';

export interface RawConnection {
  socket: net.Socket;
  /** Resolves once the write is handed to the kernel. */
  write(data: string | Buffer): Promise<void>;
  /** Everything the server sent, once it has closed the connection (reading from now on if not yet). */
  closed(): Promise<Buffer>;
  /** Milliseconds since the epoch when the server closed the connection (or undefined while open). */
  closedAt(): number | undefined;
}

/** `read: false` leaves the answer unread in the kernel until closed() is called. */
export async function connect(baseUrl: string, options: { read?: boolean } = {}): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => {});
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  let closedAt: number | undefined;
  const ended = new Promise<Buffer>((resolve) => {
    socket.once('close', () => {
      closedAt = Date.now();
      resolve(Buffer.concat(chunks));
    });
  });
  const read = () => socket.on('data', (d: Buffer) => chunks.push(d));
  if (options.read !== false) read();
  let reading = options.read !== false;
  return {
    socket,
    write: (data) =>
      new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve()))),
    closed() {
      if (!reading) {
        reading = true;
        read();
      }
      return ended;
    },
    closedAt: () => closedAt,
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field.
  json: any;
}

/** The first response in `bytes` (status line, headers, the body as received, JSON when it parses). */
export function parseResponse(bytes: Buffer): RawResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1)
    throw new Error(`no complete response head in ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = bytes.subarray(end + 4);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
}

/** Files under `dir` this process has open now (from /proc: Linux only). */
export function openFilesUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // closed while listing
    }
  }
  return open;
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
