// Helpers shared by the dynamic-metadata test files: a fresh image to change,
// the endpoint's path, and PUT/DELETE/GET requests against it.

import { expect } from 'vitest';
import { api, type TestServer, uniquePng, upload } from './helpers.ts';

export interface Image {
  hash: string;
  binary_hash: string;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field.
  [key: string]: any;
}

export function dynamicMetadataApi(server: () => TestServer) {
  let seed = 5000;
  const dyn = (hash: string, name: string, query = '') => `/sourceimages/acme/${hash}/meta/dynamic/${name}${query}`;
  return {
    /** A number no earlier image of this file used, to make bytes unique. */
    nextSeed: () => seed++,
    async newImage(fields: Record<string, string> = {}, bytes?: Buffer): Promise<Image> {
      const res = await upload(
        server(),
        'acme',
        [{ name: 'pic.png', bytes: bytes ?? (await uniquePng(seed++)) }],
        fields,
      );
      expect(res.status).toBe(200);
      return res.json.items[0];
    },
    dyn,
    putDyn: (hash: string, name: string, body: unknown, query = '') =>
      api(server(), 'PUT', dyn(hash, name, query), { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    delDyn: (hash: string, name: string, query = '', init: RequestInit = {}) =>
      api(server(), 'DELETE', dyn(hash, name, query), init),
    getImage: (hash: string, deleted = false) =>
      api(server(), 'GET', `/sourceimages/acme/${hash}${deleted ? '?deleted=true' : ''}`),
  };
}
