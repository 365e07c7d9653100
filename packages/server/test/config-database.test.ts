// ORIGO_DATABASE_URL and ORIGO_DATABASE_POOL: checked at start, named in every refusal.

import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openStorage } from '../src/storage/index.ts';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env, '/srv/origo');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('the PostgreSQL catalog settings', () => {
  it('default to SQLite with a pool of 10 for when a URL is given', () => {
    expect(loadConfig({}, '/srv/origo')).toMatchObject({ databaseUrl: undefined, databasePool: 10 });
    const c = loadConfig(
      { ORIGO_DATABASE_URL: ' postgresql://u:p@db.internal:5432/origo ', ORIGO_DATABASE_POOL: '25' },
      '/srv/origo',
    );
    expect(c).toMatchObject({ databaseUrl: 'postgresql://u:p@db.internal:5432/origo', databasePool: 25 });
  });

  it('refuse a URL that is not a postgres one, naming the setting and not the password', () => {
    expect(refusal({ ORIGO_DATABASE_URL: 'db.internal:5432' })).toMatch(
      /^ORIGO_DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//,
    );
    expect(refusal({ ORIGO_DATABASE_URL: 'not a url' })).toContain('ORIGO_DATABASE_URL must be a URL like postgres://');
    const mysql = refusal({ ORIGO_DATABASE_URL: 'mysql://u:secret@db/origo' });
    expect(mysql).toContain('"mysql://"');
    expect(mysql).not.toContain('secret');
    expect(refusal({ ORIGO_DATABASE_URL: 'postgres://u:p@db.internal:5432' })).toContain(
      'ORIGO_DATABASE_URL names no database',
    );
    expect(refusal({ ORIGO_DATABASE_URL: 'postgres:///origo' })).toContain('ORIGO_DATABASE_URL names no host');
  });

  it('refuse a pool that is not a whole number from 1 to 1000', () => {
    expect(refusal({ ORIGO_DATABASE_POOL: '0' })).toBe('ORIGO_DATABASE_POOL must be between 1 and 1000, got 0');
    expect(refusal({ ORIGO_DATABASE_POOL: 'ten' })).toBe('ORIGO_DATABASE_POOL must be a whole number, got "ten"');
  });

  it('stop the start on an unreachable server with a message naming the setting, without the password', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'origo-pg-down-'));
    try {
      const config = loadConfig({
        ORIGO_DATA_DIR: dataDir,
        ORIGO_DATABASE_URL: `postgres://origo:hunter2@127.0.0.1:${port}/origo`,
      });
      const error = await openStorage(config).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(error?.message).toContain(
        `cannot use the PostgreSQL catalog at ORIGO_DATABASE_URL (postgres://origo:***@127.0.0.1:${port}/origo)`,
      );
      expect(error?.message).toContain('ECONNREFUSED');
      expect(error?.message).not.toContain('hunter2');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
