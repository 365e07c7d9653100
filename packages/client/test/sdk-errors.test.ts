// Errors from a real origo through the SDK: its stable codes, and the key
// that is wrong or lacks the right.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { isOrigoApiError, OrigoApiError, OrigoClient } from '../src/index.ts';
import { type SdkFixture, startSdkFixture } from './sdk-fixture.ts';

let fx: SdkFixture;
beforeAll(async () => {
  fx = await startSdkFixture();
});
afterAll(async () => {
  await fx?.server.close();
});

async function errorOf(promise: Promise<unknown>): Promise<OrigoApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOrigoApiError(err)) throw new Error(`expected an OrigoApiError, got ${String(err)}`);
  return err;
}

it('an unknown image is 404 with origo_code as the code and a message naming it', async () => {
  const hash = '0'.repeat(40);
  const err = await errorOf(fx.client.getSourceImage('acme', hash));
  expect(err).toBeInstanceOf(OrigoApiError);
  expect(err).toMatchObject({ name: 'OrigoApiError', status: 404, code: 'ORIGO_ERR_IMAGE_NOT_FOUND' });
  expect(err.message).toContain(hash);
  expect(err.body).toMatchObject({ error: { code: 404, origo_code: 'ORIGO_ERR_IMAGE_NOT_FOUND' } });
});

it('a wrong key is 403 ORIGO_ERR_AUTH_INVALID_KEY', async () => {
  const wrong = new OrigoClient({ url: fx.server.url, apiKey: 'not-a-key-of-this-server' });
  const err = await errorOf(wrong.listSourceImages('acme'));
  expect(err).toMatchObject({ status: 403, code: 'ORIGO_ERR_AUTH_INVALID_KEY' });
});

it('a key without the right is 403 with another code', async () => {
  const member = await fx.client.createMemberUser('acme', ['sourceimages:read']);
  const reader = new OrigoClient({ url: fx.server.url, apiKey: member.api_key! });
  expect((await reader.listSourceImages('acme')).items).toEqual([]);
  const err = await errorOf(reader.createStack('acme', 's', { operations: [{ name: 'grayscale' }] }));
  expect(err.status).toBe(403);
  expect(err.code).not.toBe('ORIGO_ERR_AUTH_INVALID_KEY');
});

it('a bad search parameter is 400 and names the parameter', async () => {
  const err = await errorOf(fx.client.listSourceImages('acme', { limit: 5000 }));
  expect(err.status).toBe(400);
  expect(err.message).toContain('limit');
});
