// Helpers shared by the user-metadata test files: a fresh image to write
// to, the endpoint's path, and requests with a chosen body and content type.

import { expect } from 'vitest';
import { api, type TestServer, uniquePng, upload } from './helpers.ts';

export function userMetadataApi(server: () => TestServer) {
  let seed = 1000;
  return {
    async newImage(): Promise<string> {
      const res = await upload(server(), 'acme', [{ name: 'a.png', bytes: await uniquePng(seed++, 40, 30, 128) }]);
      expect(res.status).toBe(200);
      return res.json.items[0].hash;
    },
    base: (hash: string) => `/sourceimages/acme/${hash}/meta/user`,
    async getMeta(hash: string): Promise<Record<string, unknown>> {
      const res = await api(server(), 'GET', `/sourceimages/acme/${hash}/meta/user`);
      expect(res.status).toBe(200);
      return res.json;
    },
    send(method: string, pathname: string, body: BodyInit, contentType?: string) {
      const headers: Record<string, string> = {};
      if (contentType !== undefined) headers['content-type'] = contentType;
      return api(server(), method, pathname, { body, headers });
    },
  };
}
