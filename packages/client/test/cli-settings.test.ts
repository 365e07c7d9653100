// `origo login`, the config file it writes, and usage errors: the built
// command run as a child process.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from './build-cli.ts';
import { cleanEnv, runCli } from './cli-run.ts';

beforeAll(() => ensureClientBuilt(), 120_000);

describe('origo login', () => {
  it('writes the URL and key to $XDG_CONFIG_HOME/origo/config.json, readable by its owner only', async () => {
    const env = cleanEnv();
    const res = await runCli(['login', '--url', 'http://127.0.0.1:9', '--key', 'secret-key'], env);
    expect(res.code, res.stderr).toBe(0);
    const file = path.join(env.XDG_CONFIG_HOME!, 'origo', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: 'http://127.0.0.1:9', apiKey: 'secret-key' });
  });

  it('without --url or --key is a usage error saying what to give', async () => {
    const res = await runCli(['login']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('--url');
  });
});

describe('usage errors', () => {
  it('an unknown command exits 2 with one line pointing at --help', async () => {
    const res = await runCli(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe("origo: unknown command 'frobnicate': see `origo --help`");
  });

  it('--help documents the settings and exit codes', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('ORIGO_API_KEY');
    expect(res.stdout).toMatch(/5 +server unreachable/);
  });
});
