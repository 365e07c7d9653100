// A request through node:http that reports how its response body ended:
// whole, as its framing said, or cut off by the server (fetch throws on a
// cut body and hides the bytes that came). For the tests of downloads whose
// blob is damaged behind origo's back.

import http from 'node:http';
import { ROOT_KEY } from './helpers.ts';

export interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body ended as its framing said (all of Content-Length); false when the connection was cut. */
  complete: boolean;
  reusedSocket: boolean;
}

/** Sends `method url` with the root key and resolves once the response has ended or was cut. */
export function requestToEnd(
  url: string,
  options: { method?: string; headers?: Record<string, string>; agent?: http.Agent } = {},
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent,
        headers: { 'api-key': ROOT_KEY, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            complete: res.complete,
            reusedSocket: req.reusedSocket,
          });
        };
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', finish);
        res.on('error', finish);
        res.on('close', finish);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
