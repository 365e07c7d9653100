// A client built with a token (from GET /user/apikeys/token) instead of the
// key, as the dashboard makes one, against a real origo.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOrigoApiError, OrigoClient } from '../src/index.ts';
import { type SdkFixture, startSdkFixture } from './sdk-fixture.ts';

let fx: SdkFixture;

beforeAll(async () => {
  fx = await startSdkFixture([]);
});
afterAll(async () => {
  await fx?.server.close();
});

describe('a client holding a token', () => {
  it('sends it as Authorization: Bearer and is answered as the key would be', async () => {
    const user = await fx.client.createUser('token-user@example.com', 'tokens-org');
    const byKey = new OrigoClient({ url: fx.server.url, apiKey: user.api_key });
    const { token } = await byKey.getToken({ noIpProtection: true });
    const byToken = new OrigoClient({ url: fx.server.url, token });
    expect((await byToken.getCurrentUser()).user_id).toBe(user.id);
  });

  it('asks a token function before every request, so a renewed token is used at once', async () => {
    const user = await fx.client.createUser('token-renew@example.com', 'tokens-renew');
    const byKey = new OrigoClient({ url: fx.server.url, apiKey: user.api_key });
    let current: string | undefined = 'not-a-token';
    const byToken = new OrigoClient({ url: fx.server.url, token: () => current, retries: 0 });
    const refused = await byToken.getCurrentUser().catch((err: unknown) => err);
    expect(isOrigoApiError(refused) && refused.status).toBe(401);
    current = (await byKey.getToken({ noIpProtection: true })).token;
    expect((await byToken.getCurrentUser()).user_id).toBe(user.id);
  });
});
