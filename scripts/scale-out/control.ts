// Fault injection for the scale-out tests, served on 127.0.0.1 by the harness
// (which owns every server it starts, so none outlives the run):
//
//   POST /postgres              a PostgreSQL of the test's own (not the shared one, which
//                               other test files use at the same time): 200 {"url","restart"}
//   POST /postgres/<n>/restart  a fast shutdown and start of that server; answers once it is back
//
// The tests find it through ORIGO_TEST_SCALE_OUT_CONTROL_URL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from './ports.ts';
import { type PostgresServer, startPostgres } from './postgres.ts';

export interface ControlServer {
  url: string;
  /** Stops the listener and every server started through it. */
  stop(): Promise<void>;
}

export async function startControlServer(): Promise<ControlServer> {
  const servers: PostgresServer[] = [];
  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const listener = http.createServer((req, res) => {
    req.resume();
    const restart = /^\/postgres\/(\d+)\/restart$/.exec(req.url ?? '');
    void (async () => {
      if (req.method === 'POST' && req.url === '/postgres') {
        const server = await startPostgres();
        servers.push(server);
        return answer(res, 200, { url: server.url, restart: `/postgres/${servers.length - 1}/restart` });
      }
      const target = restart ? servers[Number(restart[1])] : undefined;
      if (req.method === 'POST' && target) {
        const started = performance.now();
        await target.restart();
        return answer(res, 200, { restartedInMs: Math.round(performance.now() - started) });
      }
      return answer(res, 404, { error: `no such control: ${req.method} ${req.url}` });
    })().catch((error: Error) => answer(res, 500, { error: error.message }));
  });
  await new Promise<void>((resolve) => listener.listen(0, LOOPBACK, resolve));
  const { port } = listener.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}`,
    async stop() {
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}
