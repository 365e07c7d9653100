// Ctrl-C during `origo import`: the images under way finish, the command
// exits 130 saying how to resume, and running it again copies the rest, so
// every image ends up in the target exactly once.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOrg, ROOT_KEY, startServer, type TestServer } from '../../server/test/helpers.ts';
import { startOrigo } from './move-cli-run.ts';
import { expectSameImages, imagesOf, seedSource } from './move-fixtures.ts';

let from: TestServer;
let to: TestServer;

beforeAll(async () => {
  [from, to] = await Promise.all([startServer(), startServer()]);
  await seedSource(from, 'big', 120);
  await createOrg(to, 'dst');
});
afterAll(async () => {
  await Promise.all([from?.close(), to?.close()]);
});

it('stops on SIGINT, and a re-run copies what is missing', async () => {
  const args = ['import', '--from-url', from.url, '--from-org', 'big', '--org', 'dst', '--concurrency', '1'];
  const env = { ORIGO_URL: to.url, ORIGO_API_KEY: ROOT_KEY, ORIGO_FROM_API_KEY: ROOT_KEY };
  const first = startOrigo(args, env);
  await first.waitForStderr(/^copied /m);
  first.child.kill('SIGINT');
  const stopped = await first.done;
  expect(stopped.code, stopped.stderr).toBe(130);
  expect(stopped.stderr).toMatch(
    /origo: interrupted: \d+ images done; run `origo import --from-url .*` again to resume/,
  );
  const copiedFirst = (await imagesOf(to, 'dst')).size;
  expect(copiedFirst).toBeGreaterThan(0);
  expect(copiedFirst).toBeLessThan(125);

  const second = await startOrigo(['--json', ...args], env).done;
  expect(second.code, second.stderr).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ copied: 125 - copiedFirst, skipped: copiedFirst, failed: [] });
  await expectSameImages(from, 'big', to, 'dst');
});
