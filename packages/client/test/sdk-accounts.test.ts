// Organizations, stacks, signing, users, keys and memberships through the
// SDK against a real origo.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePng } from '../../server/test/helpers.ts';
import { isOrigoApiError, OrigoClient } from '../src/index.ts';
import { type SdkFixture, startSdkFixture } from './sdk-fixture.ts';

let fx: SdkFixture;

beforeAll(async () => {
  fx = await startSdkFixture([]);
});
afterAll(async () => {
  await fx?.server.close();
});

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    if (isOrigoApiError(err)) return err.status;
    throw err;
  }
  return 200;
}

describe('organizations', () => {
  it('creates and reads an organization and sets its options', async () => {
    const created = await fx.client.createOrganization('orgs-a', {
      billing_email: 'ops@example.com',
      display_name: 'Orgs A',
    });
    expect(created).toMatchObject({ name: 'orgs-a', display_name: 'Orgs A', billing_email: 'ops@example.com' });
    expect(created.signing_keys.length).toBeGreaterThan(0);
    expect((await fx.client.getOrganization('orgs-a')).id).toBe(created.id);
    expect(await fx.client.setOrganizationOption('orgs-a', 'protect_dynamic_stack', true)).toEqual({
      protect_dynamic_stack: true,
    });
    expect(await fx.client.setOrganizationOptions('orgs-a', { protect_dynamic_stack: false })).toEqual({
      protect_dynamic_stack: false,
    });
    expect((await fx.client.getOrganization('orgs-a')).options).toEqual({ protect_dynamic_stack: false });
    expect(await statusOf(fx.client.createOrganization('orgs-a'))).toBe(409);
  });
});

describe('stacks and rendering', () => {
  it('creates, reads, lists, purges and deletes a stack', async () => {
    await fx.client.createOrganization('stacks-a', { billing_email: 'ops@example.com' });
    const definition = { operations: [{ name: 'resize', options: { width: 40 } }], options: { 'jpg.quality': 70 } };
    const stack = await fx.client.createStack('stacks-a', 'thumb', definition);
    expect(stack).toMatchObject({
      name: 'thumb',
      stack_operations: [{ name: 'resize', options: { width: 40 } }],
      stack_options: { 'jpg.quality': 70 },
    });
    expect(await statusOf(fx.client.createStack('stacks-a', 'thumb', definition))).toBe(409);
    const replaced = await fx.client.createStack(
      'stacks-a',
      'thumb',
      { operations: [{ name: 'grayscale' }] },
      { overwrite: true },
    );
    expect(replaced.stack_operations).toEqual([{ name: 'grayscale', options: {} }]);
    expect(await fx.client.getStack('stacks-a', 'thumb')).toEqual(replaced);
    expect((await fx.client.listStacks('stacks-a')).items.map((s) => s.name)).toEqual(['thumb']);
    await fx.client.purgeStackCache('stacks-a', 'thumb');
    await fx.client.deleteStack('stacks-a', 'thumb');
    expect(await statusOf(fx.client.getStack('stacks-a', 'thumb'))).toBe(404);
  });

  it('describes operations and stack options without a key', async () => {
    const anonymous = new OrigoClient({ url: fx.server.url });
    const operations = await anonymous.getOperations();
    expect(Object.keys(operations)).toEqual(expect.arrayContaining(['resize', 'crop', 'rotate']));
    expect(operations['resize']?.properties).toHaveProperty('width');
    expect((await anonymous.getStackOptions()).properties).toHaveProperty('jpg.quality');
  });

  it('has the server sign a render URL with the signing key', async () => {
    await fx.client.createOrganization('sign-a', { billing_email: 'ops@example.com' });
    const image = await fx.client.createSourceImage('sign-a', 'x.png', await uniquePng(1));
    const key = (await fx.client.getOrganization('sign-a')).signing_keys[0]!.key;
    const path = `/render/sign-a/dynamic/resize-width-20/${image.hash}.png`;
    const signed = await fx.client.signUrlOnServer('sign-a', fx.server.url + path);
    const sig = createHash('sha256').update(`${path}:${key}`).digest('hex').slice(0, 16);
    expect(signed).toBe(`${fx.server.url}${path}?sig=${sig}`);
  });

  it('builds render URLs of its server and signs them with the signing key it reads', async () => {
    await fx.client.createOrganization('render-a', { billing_email: 'ops@example.com' });
    await fx.client.setOrganizationOption('render-a', 'protect_dynamic_stack', true);
    const image = await fx.client.createSourceImage('render-a', 'x.png', await uniquePng(2));
    const at = { organization: 'render-a', hash: image.hash, format: 'png' } as const;
    const unsigned = fx.client.renderUrl({ ...at, operations: [{ name: 'resize', options: { width: 20 } }] });
    expect(unsigned).toBe(`${fx.server.url}/render/render-a/dynamic/resize-width-20/${image.hash}.png`);
    expect((await fetch(unsigned)).status).toBe(403);
    const signed = await fx.client.signedRenderUrl({ ...at, operations: [{ name: 'resize', options: { width: 20 } }] });
    const rendered = await fetch(signed);
    expect(rendered.status).toBe(200);
    expect(rendered.headers.get('content-type')).toBe('image/png');
  });
});

describe('users, keys and memberships', () => {
  it('signs up a user who manages its keys', async () => {
    const user = await fx.client.createUser('ann@example.com', 'ann-org');
    expect(user.email).toBe('ann@example.com');
    const ann = new OrigoClient({ url: fx.server.url, apiKey: user.api_key });
    const me = await ann.getCurrentUser();
    expect(me).toMatchObject({ user_id: user.id, email: 'ann@example.com' });
    const current = await ann.getCurrentApiKey();
    const added = await ann.addApiKey('laptop');
    expect(added).toMatchObject({ comment: 'laptop' });
    expect(added.api_key).not.toBe(user.api_key);
    expect((await ann.listApiKeys()).map((k) => k.id).sort()).toEqual([current.id, added.id].sort());
    await ann.deleteApiKey(added.id);
    expect((await ann.listApiKeys()).map((k) => k.id)).toEqual([current.id]);
    const token = await ann.getToken({ expiresIn: 600 });
    expect(token.payload.id).toBe(current.id);
    expect(token.payload.exp - token.payload.iat).toBe(600);
  });

  it('adds, changes, reads and removes members', async () => {
    await fx.client.createOrganization('team-a', { billing_email: 'ops@example.com' });
    const bob = await fx.client.createMemberUser('team-a', ['read'], { comment: 'bob' });
    expect(bob).toMatchObject({ roles: ['read'], comment: 'bob', active: true });
    expect(typeof bob.api_key).toBe('string');
    const bobClient = new OrigoClient({ url: fx.server.url, apiKey: bob.api_key! });
    expect((await bobClient.getOrganization('team-a')).name).toBe('team-a');

    const changed = await fx.client.putMembership('team-a', bob.user_id, ['write']);
    expect(changed.outcome).toBe('changed');
    expect(changed.membership?.roles).toEqual(['write']);
    expect((await fx.client.putMembership('team-a', bob.user_id, ['write'])).outcome).toBe('unchanged');
    expect((await fx.client.getMembership('team-a', bob.user_id)).roles).toEqual(['write']);
    expect((await fx.client.listMemberships('team-a')).items.map((m) => m.user_id)).toEqual([bob.user_id]);

    const carol = await fx.client.createUser('carol@example.com', 'carol-org');
    const added = await fx.client.putMembership('team-a', carol.id, ['read']);
    expect(added.outcome).toBe('created');

    await fx.client.deleteMembership('team-a', bob.user_id);
    expect(await statusOf(fx.client.getMembership('team-a', bob.user_id))).toBe(404);
    expect(await statusOf(bobClient.getOrganization('team-a'))).toBe(403);
  });
});
