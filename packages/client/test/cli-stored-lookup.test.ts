// The upload's "already stored?" check, both ways it asks: from the whole
// listing read once, and one lookup per file for large organizations.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createOrg,
  png,
  ROOT_KEY,
  sha1,
  startServer,
  type TestServer,
  upload,
} from '../../server/test/helpers.ts';
import { storedLookup } from '../src/cli/stored-lookup.ts';
import { OrigoClient } from '../src/client.ts';

let server: TestServer;
let stored: { sha1: string; hash: string };
let missingSha1: string;

beforeAll(async () => {
  server = await startServer();
  await createOrg(server, 'acme');
  const bytes = await png(7);
  const res = await upload(server, 'acme', [{ name: 'a.png', bytes }]);
  stored = { sha1: sha1(bytes), hash: res.json.items[0].hash };
  missingSha1 = sha1(await png(8));
});

afterAll(async () => {
  await server?.close();
});

describe('storedLookup', () => {
  const client = () => new OrigoClient({ url: server.url, apiKey: ROOT_KEY });

  it('finds stored bytes from the listing of a small organization', async () => {
    const lookup = await storedLookup(client(), 'acme', 1);
    // Stored after the listing was read: the listing does not know it.
    const later = await png(9);
    await upload(server, 'acme', [{ name: 'later.png', bytes: later }]);
    expect(await lookup(stored.sha1)).toBe(stored.hash);
    expect(await lookup(missingSha1)).toBeUndefined();
    expect(await lookup(sha1(later))).toBeUndefined();
  });

  it('asks per file when the organization is larger than the limits', async () => {
    const lookup = await storedLookup(client(), 'acme', 1, { floor: 0, perFile: 0 });
    const later = await png(10);
    const res = await upload(server, 'acme', [{ name: 'later2.png', bytes: later }]);
    expect(await lookup(sha1(later))).toBe(res.json.items[0].hash);
    expect(await lookup(missingSha1)).toBeUndefined();
    expect((await api(server, 'GET', '/sourceimages/acme')).json.total).toBe(3);
  });
});
