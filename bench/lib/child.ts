// The serving end of a bench child process (see proc.ts startChild): listens
// on PORT (or any free port) on loopback, announces the port as `PORT=<n>` on
// stdout and as a `ready` IPC message, and closes cleanly on SIGTERM or when
// the parent goes away.

import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export function serveChild(server: http.Server): void {
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`PORT=${port}\n`);
    process.send?.({ type: 'ready', port });
  });

  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}
