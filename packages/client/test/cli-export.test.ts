// `origo export` run as a child process: a resumable export with its JSON
// summary, and the exit codes for a wrong key (3), an unknown organization
// (4) and a server that is down (5).

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { deadUrl, runOrigo } from './move-cli-run.ts';
import { seedSource } from './move-fixtures.ts';

let server: TestServer;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'origo-cli-export-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  server = await startServer();
  await seedSource(server, 'src');
});
afterAll(async () => {
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('origo export', () => {
  it('writes the files and the manifest, and a re-run downloads nothing', async () => {
    const dir = tempDir();
    const env = { ORIGO_URL: server.url, ORIGO_API_KEY: ROOT_KEY };
    const first = await runOrigo(['--json', 'export', '--org', 'src', dir], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ copied: 5, skipped: 0, failed: [] });
    expect(readdirSync(dir).filter((f) => /^[0-9a-f]{40}\.png$/.test(f))).toHaveLength(5);
    expect(readdirSync(dir)).toContain('manifest.ndjson');

    const again = await runOrigo(['--json', 'export', '--org', 'src', dir], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ copied: 0, skipped: 5, failed: [], bytes: 0 });
  });

  it('exits 3 for a wrong key, 4 for an unknown organization, 5 when the server is down', async () => {
    const wrongKey = await runOrigo(['export', '--org', 'src', tempDir()], {
      ORIGO_URL: server.url,
      ORIGO_API_KEY: 'wrong-key-0123456789abcdef0123',
    });
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/^origo: listing organization src .*HTTP 403/);
    expect(wrongKey.stderr).toContain('check the API key, --key (or ORIGO_API_KEY');

    const unknown = await runOrigo(['export', '--org', 'nowhere', tempDir(), '--key', ROOT_KEY, '--url', server.url]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/^origo: listing organization nowhere .*HTTP 404.*check the organization name/);

    const down = await runOrigo(['export', '--org', 'src', tempDir()], { ORIGO_URL: await deadUrl() });
    expect(down.code).toBe(5);
    expect(down.stderr).toContain('cannot be reached, check --url (or ORIGO_URL)');
  });
});
