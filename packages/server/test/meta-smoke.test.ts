import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOrg, jpeg, startServer, type TestServer, upload } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  await createOrg(server);
});
afterAll(() => server.close());

describe('metadata smoke', () => {
  it('patches user metadata and sets dynamic metadata', async () => {
    const up = await upload(server, 'acme', [{ name: 'a.jpg', bytes: await jpeg(5, 200, 100) }]);
    const hash = up.json.items[0].hash;
    expect((await api(server, 'PATCH', `/sourceimages/acme/${hash}/meta/user`, { body: JSON.stringify({ title: 'x', 'int:rank': '5', 'array:tags': 'one' }) })).status).toBe(204);
    const got = await api(server, 'GET', `/sourceimages/acme/${hash}/meta/user`);
    expect(got.json).toEqual({ title: 'x', 'int:rank': 5, 'array:tags': ['one'] });
    const dyn = await api(server, 'PUT', `/sourceimages/acme/${hash}/meta/dynamic/subject_area`, { body: JSON.stringify({ x: 10, y: 10, width: 20, height: 20 }) });
    expect(dyn.status).toBe(201);
    expect(dyn.headers.get('location')).toBe(`/sourceimages/acme/${dyn.json.hash}`);
    expect(dyn.json.user_metadata).toEqual(got.json);
    expect(dyn.json.dynamic_metadata).toEqual({ subject_area: { width: 20, height: 20, x: 10, y: 10 } });
    const del = await api(server, 'DELETE', `/sourceimages/acme/${dyn.json.hash}/meta/dynamic/subject_area`);
    expect(del.status).toBe(201);
    expect(del.json.hash).toBe(hash);
  });
});
