// Secrets never reach the log, even at debug level with request logging on:
// API keys and tokens (headers), signatures and tokens in query strings, and
// signed url[i] URLs quoted by error messages.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, expectError, form, ROOT_KEY, startServer, type TestServer } from './helpers.ts';
import { captureLog } from './logged-server.ts';
import { addMember, call } from './tenancy-helpers.ts';

const captured = captureLog('debug');
let server: TestServer;
let remote: http.Server;
let remoteUrl: string;

beforeAll(async () => {
  remote = http.createServer((_req, res) => res.writeHead(404).end('no'));
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
  server = await startServer(
    { ORIGO_LOG_LEVEL: 'debug', ORIGO_ALLOW_PRIVATE_URLS: 'true' },
    { logger: captured.logger },
  );
  await createOrg(server, 'logs');
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((r) => remote.close(() => r()));
});

describe('the log at debug level', () => {
  it('shows requests but none of the keys, tokens and signatures they carried', async () => {
    const member = await addMember(server, 'logs', ['admin']);
    const token: string = (await call(server, 'GET', '/user/apikeys/token?expires_in=600', { key: member.key })).json
      .token;
    expect(token).toEqual(expect.any(String));
    const secrets = [
      ROOT_KEY,
      member.key,
      token,
      'SIGSECRET1',
      'TOKSECRET2',
      'SIGSECRET3',
      'AMZSECRET4',
      'OPTSECRET5',
      'HDRSECRET6',
      'PASSSECRET7',
    ];

    expect(
      (
        await call(server, 'GET', '/organizations/logs?sig=SIGSECRET1&token=TOKSECRET2&sigopts=OPTSECRET5', {
          key: member.key,
        })
      ).status,
    ).toBe(200);
    expect((await call(server, 'GET', '/organizations/logs', { token })).status).toBe(200);
    expect((await call(server, 'GET', '/sourceimages/logs', { key: ROOT_KEY })).status).toBe(200);
    expectError(
      await call(server, 'GET', '/organizations/logs', { key: `${member.key.slice(0, -1)}x` }),
      403,
      'ORIGO_ERR_AUTH_INVALID_KEY',
    );
    expectError(
      await call(server, 'GET', '/organizations/logs', { token: `${token}x` }),
      401,
      'ORIGO_ERR_AUTH_INVALID_TOKEN',
    );

    // A signed remote URL is quoted by the error, in the answer and in the log, with its query masked.
    const signed = `${remoteUrl}/gone.jpg?X-Amz-Signature=AMZSECRET4&sig=SIGSECRET3&w=100`;
    const failed = await call(server, 'POST', '/sourceimages/logs', {
      key: member.key,
      body: form([], { 'url[0]': signed }),
    });
    expectError(
      failed,
      400,
      'ORIGO_ERR_REMOTE_FETCH_FAILED',
      `url[0] ${remoteUrl}/gone.jpg?X-Amz-Signature=***&sig=***&w=***`,
    );
    const withPassword = await call(server, 'POST', '/sourceimages/logs', {
      key: member.key,
      body: form([], { 'url[0]': `http://user:PASSSECRET7@127.0.0.1/x.jpg` }),
    });
    expectError(withPassword, 400, 'ORIGO_ERR_REMOTE_BAD_URL', 'http://***:***@127.0.0.1/x.jpg');
    for (const res of [failed, withPassword]) for (const secret of secrets) expect(res.text).not.toContain(secret);

    // Headers are redacted in any object logged with them.
    server.app.log.info(
      { req: { headers: { 'api-key': ROOT_KEY } }, headers: { authorization: 'Bearer HDRSECRET6' } },
      'headers logged',
    );

    const text = captured.text();
    expect(text).toContain('incoming request');
    expect(text).toContain('request completed');
    expect(text).toContain('/organizations/logs?sig=***&token=***&sigopts=***');
    expect(text).toContain('headers logged');
    expect(text).toContain('[redacted]');
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
  });
});
