// Usage errors and the help: the built command run as a child process
// (`origo login` and its config file are in cli-login.test.ts).

import { beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from './build-cli.ts';
import { runCli } from './cli-run.ts';

beforeAll(() => ensureClientBuilt(), 120_000);

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
