// `origo login` as a user runs it (built command, child process, real origo):
// the key is tried on the server before the config file is written, and a
// refused key or a server that does not answer leaves the file untouched.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { ensureClientBuilt } from './build-cli.ts';
import { cleanEnv, runCli } from './cli-run.ts';

let server: TestServer;

beforeAll(async () => {
  ensureClientBuilt();
  server = await startServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const configFile = (env: NodeJS.ProcessEnv) => path.join(env.XDG_CONFIG_HOME!, 'origo', 'config.json');

/** A config file written before the test, as an earlier login would have. */
function existingConfig(env: NodeJS.ProcessEnv): string {
  const file = configFile(env);
  mkdirSync(path.dirname(file), { recursive: true });
  const text = `${JSON.stringify({ url: 'http://old.example:8080', apiKey: 'old-key' }, null, 2)}\n`;
  writeFileSync(file, text, { mode: 0o600 });
  return text;
}

/** A local port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('origo login', () => {
  it('with a key the server accepts writes URL and key, readable by its owner only', async () => {
    const env = cleanEnv();
    const res = await runCli(['login', '--url', server.url, '--key', ROOT_KEY], env);
    expect(res.code, res.stderr).toBe(0);
    const file = configFile(env);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: server.url, apiKey: ROOT_KEY });
  });

  it('with a wrong key exits 3, says what to do in one line, and writes nothing', async () => {
    const fresh = cleanEnv();
    const refused = await runCli(['login', '--url', server.url, '--key', 'not-a-real-key'], fresh);
    expect(refused.code, refused.stderr).toBe(3);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('refused the API key');
    expect(lines[0]).toContain('origo login');
    expect(lines[0]).toContain('nothing was saved');
    expect(existsSync(configFile(fresh))).toBe(false);

    const earlier = cleanEnv();
    const before = existingConfig(earlier);
    const again = await runCli(['login', '--url', server.url, '--key', 'not-a-real-key'], earlier);
    expect(again.code, again.stderr).toBe(3);
    expect(readFileSync(configFile(earlier), 'utf8')).toBe(before);
  });

  it('with a server that does not answer exits 5 and writes nothing', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const fresh = cleanEnv();
    const res = await runCli(['login', '--url', url, '--key', ROOT_KEY], fresh);
    expect(res.code, res.stderr).toBe(5);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(`cannot reach origo at ${url}`);
    expect(existsSync(configFile(fresh))).toBe(false);

    const earlier = cleanEnv();
    const before = existingConfig(earlier);
    const again = await runCli(['login', '--url', url, '--key', ROOT_KEY], earlier);
    expect(again.code, again.stderr).toBe(5);
    expect(readFileSync(configFile(earlier), 'utf8')).toBe(before);
  });

  it('without --url or --key is a usage error saying what to give', async () => {
    const res = await runCli(['login']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('--url');
  });
});
