// listUserOrganizations() (GET /user/organizations, an origo extension)
// through the SDK against a real origo: the caller's organizations and roles,
// with a key and with a Bearer token, and the type against the server's schema.

import type { Static } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserOrganizationListSchema } from '../../server/src/http/schemas.ts';
import { isOrigoApiError, OrigoClient, type UserOrganizationList } from '../src/index.ts';
import { type SdkFixture, startSdkFixture } from './sdk-fixture.ts';

let fx: SdkFixture;

beforeAll(async () => {
  fx = await startSdkFixture([]);
});
afterAll(async () => {
  await fx?.server.close();
});

type ServerReply = Static<typeof UserOrganizationListSchema>;

describe('listUserOrganizations', () => {
  it("declares the reply as the server's schema does", () => {
    // Checked by tsc: each type is assignable to the other.
    const asClient = (reply: ServerReply): UserOrganizationList => reply;
    const asServer = (list: UserOrganizationList): ServerReply => list;
    const reply = { items: [{ organization: 'acme', roles: ['admin'] }] };
    expect(asServer(asClient(reply))).toBe(reply);
  });

  it("lists the caller's organizations and roles, by name, with a key or a token", async () => {
    const created = await fx.client.createUser('uo-sdk@example.com', 'uo-sdk-main');
    const user = new OrigoClient({ url: fx.server.url, apiKey: created.api_key });
    expect(await user.listUserOrganizations()).toEqual({
      items: [{ organization: 'uo-sdk-main', roles: ['admin'] }],
    });

    await fx.client.createOrganization('uo-sdk-extra', { billing_email: 'ops@example.com' });
    await fx.client.putMembership('uo-sdk-extra', created.id, ['read']);
    // Another user's organization never shows.
    await fx.client.createUser('uo-sdk-other@example.com', 'uo-sdk-other');

    const expected = {
      items: [
        { organization: 'uo-sdk-extra', roles: ['read'] },
        { organization: 'uo-sdk-main', roles: ['admin'] },
      ],
    };
    expect(await user.listUserOrganizations()).toEqual(expected);

    const { token } = await user.getToken({ expiresIn: 600 });
    const withToken = new OrigoClient({ url: fx.server.url, token });
    expect(await withToken.listUserOrganizations()).toEqual(expected);
  });

  it('gives the root key an empty list and refuses an unknown key', async () => {
    expect(await fx.client.listUserOrganizations()).toEqual({ items: [] });
    const stranger = new OrigoClient({ url: fx.server.url, apiKey: 'not-a-key-0123456789', retries: 0 });
    const refused = await stranger.listUserOrganizations().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isOrigoApiError(refused) && refused.status).toBe(403);
  });
});
