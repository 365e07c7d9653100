// Exit codes and the one-line messages a script and a person rely on:
// wrong key 3, unknown organization or image 4, server down 5, bad usage 2.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, png, ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { ensureClientBuilt } from './build-cli.ts';
import { type CliResult, cleanEnv, runCli } from './cli-run.ts';

let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  ensureClientBuilt();
  server = await startServer();
  await createOrg(server, 'acme');
  env = cleanEnv({ ORIGO_URL: server.url, ORIGO_API_KEY: ROOT_KEY });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

/** The single line on stderr, with nothing on stdout. */
function errorLine(res: CliResult): string {
  const lines = res.stderr.trim().split('\n');
  expect(lines, res.stderr).toHaveLength(1);
  expect(res.stdout).toBe('');
  return lines[0]!;
}

describe('exit codes', () => {
  it('a wrong key exits 3 and says to check the key', async () => {
    const res = await runCli(['list', '--org', 'acme', '--key', 'not-a-valid-key'], env);
    expect(res.code).toBe(3);
    const line = errorLine(res);
    expect(line).toMatch(/^origo: /);
    expect(line).toContain('check the API key (--key, ORIGO_API_KEY or `origo login`)');
  });

  it('an unknown organization exits 4 and says how to find what exists', async () => {
    const res = await runCli(['list', '--org', 'no-such-org'], env);
    expect(res.code).toBe(4);
    expect(errorLine(res)).toContain('(HTTP 404): check the organization name (--org)');
  });

  it('an unknown image exits 4', async () => {
    const res = await runCli(['get', 'ffffffffffffffffffffffffffffffffffffffff', '--org', 'acme'], env);
    expect(res.code).toBe(4);
    expect(errorLine(res)).toContain('check the hash; `origo list --org <org>` shows the images there');
  });

  it('a server that is not there exits 5 and names the URL', async () => {
    const res = await runCli(['list', '--org', 'acme', '--url', 'http://127.0.0.1:9'], env);
    expect(res.code).toBe(5);
    expect(errorLine(res)).toBe(
      'origo: cannot reach origo at http://127.0.0.1:9: check --url / ORIGO_URL and that the server is running',
    );
  }, 60_000);

  it('a bad option value exits 2 and quotes it', async () => {
    const res = await runCli(['dynamic', 'set', 'abcdef', '--org', 'acme', '--subject-area', '1,2'], env);
    expect(res.code).toBe(2);
    expect(errorLine(res)).toContain('"1,2"');
  });

  it('the key from the config file is used when no flag or environment gives one, and flags win', async () => {
    const fileEnv = cleanEnv({});
    const login = await runCli(['login', '--url', server.url, '--key', ROOT_KEY], fileEnv);
    expect(login.code, login.stderr).toBe(0);
    const viaFile = await runCli(['list', '--org', 'acme', '--json'], fileEnv);
    expect(viaFile.code, viaFile.stderr).toBe(0);
    expect(JSON.parse(viaFile.stdout).total).toBe(0);
    const envWins = await runCli(['list', '--org', 'acme'], { ...fileEnv, ORIGO_API_KEY: 'wrong-key-from-env' });
    expect(envWins.code).toBe(3);
    const flagWins = await runCli(['list', '--org', 'acme', '--key', ROOT_KEY], { ...fileEnv, ORIGO_API_KEY: 'wrong' });
    expect(flagWins.code, flagWins.stderr).toBe(0);
  });

  describe('origo upload ends the whole run, not file by file', () => {
    let folder: string;
    beforeAll(async () => {
      folder = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-errors-'));
      for (let i = 0; i < 3; i++) writeFileSync(path.join(folder, `${i}.png`), await png(i));
    });
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('into an unknown organization: exit 4', async () => {
      const res = await runCli(['upload', folder, '--org', 'no-such-org'], env);
      expect(res.code).toBe(4);
      expect(errorLine(res)).toContain('HTTP 404');
    });

    it('with a wrong key: exit 3', async () => {
      const res = await runCli(['upload', folder, '--org', 'acme', '--key', 'wrong'], env);
      expect(res.code).toBe(3);
      expect(errorLine(res)).toContain('check the API key');
    });

    it('to a server that is not there: exit 5', async () => {
      const res = await runCli(['upload', folder, '--org', 'acme', '--url', 'http://127.0.0.1:9'], env);
      expect(res.code).toBe(5);
      expect(errorLine(res)).toContain('cannot reach origo at http://127.0.0.1:9');
    }, 60_000);
  });
});
