// `origo-server migrate --from-data-dir <dir>` refusing bad usage, checked on
// any machine without PostgreSQL or S3 (the copy itself is in
// migrate-command-copy.test.ts).

import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TABLE_PLAN } from '../src/storage/catalog/sql/copy-tables.ts';
import { runCli, stopAllChildren } from './cli-run.ts';
import { emptyInstall, migrate, removeTempDirs, MIGRATE_TEST_MS as TEST_MS, tempDir } from './migrate-cli.ts';

afterEach(async () => {
  await stopAllChildren();
});
afterAll(removeTempDirs);

describe('origo-server migrate: usage and refusals (no servers needed)', () => {
  it(
    'refuses to start without a source, with an unknown option, on a folder without origo data, or onto the embedded default',
    async () => {
      const install = await emptyInstall();
      const noSource = await runCli(['migrate'], {});
      expect(noSource.code).toBe(2);
      expect(noSource.stderr).toContain(
        'origo-server migrate: say which data folder to copy with --from-data-dir <dir>',
      );

      const unknown = await migrate(install, {}, '--fast');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('origo-server migrate: unknown option "--fast"');

      const nothing = tempDir('nothing');
      const noData = await migrate(nothing, { ORIGO_DATABASE_URL: 'postgres://origo@127.0.0.1:1/origo' });
      expect(noData.code).toBe(2);
      expect(noData.stderr).toContain(
        `no origo data in ${nothing} (no ${path.join(nothing, 'origo.sqlite')}); check --from-data-dir`,
      );
      // A wrong folder is not made into an empty install.
      expect(existsSync(path.join(nothing, 'origo.sqlite'))).toBe(false);

      const embedded = await migrate(install, { ORIGO_DATA_DIR: tempDir('target') });
      expect(embedded.code).toBe(2);
      expect(embedded.stderr).toContain(
        'the target is the embedded default (neither ORIGO_DATABASE_URL nor ORIGO_S3_* is set)',
      );
      expect(embedded.stdout).toBe('');
    },
    TEST_MS,
  );

  it(
    'refuses a target that is the source folder itself, and bad settings',
    async () => {
      const install = await emptyInstall();
      const catalogOntoItself = await migrate(install, {
        ORIGO_DATA_DIR: install,
        ORIGO_S3_BUCKET: 'origo',
        ORIGO_S3_ACCESS_KEY_ID: 'id',
        ORIGO_S3_SECRET_ACCESS_KEY: 'secret',
        ORIGO_S3_ENDPOINT: 'http://127.0.0.1:1',
      });
      expect(catalogOntoItself.code).toBe(2);
      expect(catalogOntoItself.stderr).toContain(
        `the catalog would be copied onto itself: ORIGO_DATABASE_URL is not set, so the target catalog is the SQLite file in ORIGO_DATA_DIR (${install})`,
      );

      const blobsOntoThemselves = await migrate(install, {
        ORIGO_DATA_DIR: install,
        ORIGO_DATABASE_URL: 'postgres://origo@127.0.0.1:1/origo',
      });
      expect(blobsOntoThemselves.code).toBe(2);
      expect(blobsOntoThemselves.stderr).toContain('the blobs would be copied onto themselves: no ORIGO_S3_* is set');

      const badSetting = await migrate(install, { ORIGO_DATABASE_URL: 'mysql://origo@127.0.0.1/origo' });
      expect(badSetting.code).toBe(2);
      expect(badSetting.stderr).toContain(
        'origo-server migrate: bad setting: ORIGO_DATABASE_URL must start with postgres:// or postgresql://',
      );
    },
    TEST_MS,
  );

  it(
    'refuses a source of another origo version, and an unreachable target without showing its password',
    async () => {
      const newer = await emptyInstall();
      const db = new BetterSqlite3(path.join(newer, 'origo.sqlite'));
      db.prepare("INSERT INTO origo_migrations (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01')").run();
      db.close();
      const target = {
        ORIGO_DATA_DIR: tempDir('target'),
        ORIGO_DATABASE_URL: 'postgres://origo:hunter22@127.0.0.1:1/origo',
      };
      const versionRun = await migrate(newer, target);
      expect(versionRun.code).toBe(2);
      expect(versionRun.stderr).toContain(
        'the database schema is newer than this origo-server knows (it has migrations 9999-from-the-future)',
      );

      const unreachable = await migrate(await emptyInstall(), target);
      expect(unreachable.code).toBe(2);
      expect(unreachable.stderr).toContain(
        'origo-server migrate: cannot use the target: cannot use the PostgreSQL catalog at ORIGO_DATABASE_URL (postgres://origo:***@127.0.0.1:1/origo)',
      );
      expect(unreachable.stderr).not.toContain('hunter22');
    },
    TEST_MS,
  );

  it(
    '--help tells what is copied and what the exit codes mean',
    async () => {
      const help = await runCli(['migrate', '--help'], {});
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('usage: origo-server migrate --from-data-dir <dir>');
      expect(help.stdout).toContain('Exit code 0: done; 1: done, but blobs were missing or damaged');
      const usage = await runCli(['--help'], {});
      expect(usage.stdout).toMatch(/\n {2}migrate +copy an embedded install/);
    },
    TEST_MS,
  );

  it('has a plan for every table a migrated database has', async () => {
    const install = await emptyInstall();
    const db = new BetterSqlite3(path.join(install, 'origo.sqlite'), { readonly: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[]
    )
      .map((t) => t.name)
      .filter((name) => !name.startsWith('origo_migration'));
    db.close();
    expect(tables.sort()).toEqual(Object.keys(TABLE_PLAN).sort());
  });
});
