// Checks the accounts make on the way to a write (at most 5 keys, never an
// organization without an active admin, one last-use write a minute) hold
// when many writes arrive at once. SQLite serializes its writers, so there
// they hold by construction; on PostgreSQL (ORIGO_TEST_DATABASE_URL, `npm
// run test:scale-out`) READ COMMITTED transactions on a pool of ten
// connections run side by side, which is what these tests are for. Each
// test gets a fresh database.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Accounts, Role } from '../../src/storage/catalog/accounts.ts';
import { type Organization, OrganizationExistsError } from '../../src/storage/catalog/catalog.ts';
import { createTestDatabase } from '../pg-database.ts';
import { type Backend, openBackend } from './backends.ts';

const adminUrl = process.env['ORIGO_TEST_DATABASE_URL'];

const t0 = new Date(Date.UTC(2026, 0, 1));
let digests = 0;
const newDigest = () => (++digests).toString(16).padStart(64, '0');

function races(name: string, factory: () => Promise<Backend>) {
  describe(name, () => {
    let backend: Backend;
    let accounts: Accounts;
    let org: Organization;

    beforeEach(async () => {
      backend = await factory();
      accounts = backend.accounts;
      org = await backend.catalog.createOrganization(
        { name: 'acme', displayName: 'Acme', billingEmail: 'a@example.com', masterOrganization: 'acme' },
        t0,
      );
    });
    afterEach(async () => {
      await backend.close();
    });

    const newUser = async (roles?: Role[], orgId = org.id) => {
      const made = await accounts.createAccount(
        {
          email: null,
          keyDigest: newDigest(),
          keyComment: null,
          ...(roles && { membership: { orgId, roles, comment: null } }),
        },
        t0,
      );
      return { userId: made.user.id, keyId: made.key.id };
    };

    const activeAdmins = async (orgId = org.id) =>
      (await accounts.listMemberships(orgId)).filter((m) => m.active && m.roles.includes('admin')).map((m) => m.userId);

    it('never gives a user a sixth key, however many adds arrive at once', async () => {
      // Three users at once: the lock is per user, and they must not block each other into a deadlock either.
      const users = await Promise.all([newUser(), newUser(), newUser()]);
      const outcomes = await Promise.all(
        users.flatMap(({ userId }) =>
          Array.from({ length: 16 }, (_, i) => accounts.addKey(userId, newDigest(), `c${i}`, t0, 5)),
        ),
      );
      expect(outcomes.filter((o) => o !== 'too_many')).toHaveLength(3 * 4);
      expect(outcomes.filter((o) => o === 'too_many')).toHaveLength(3 * 12);
      for (const { userId } of users) expect(await accounts.listKeys(userId)).toHaveLength(5);
    });

    /**
     * Four organizations of six admins each, all changed at once: each must
     * keep exactly one admin, the one whose change was refused.
     */
    async function everyAdminAtOnce(change: (orgId: number, userId: string, i: number) => Promise<unknown>) {
      const others = [1, 2, 3].map((n) =>
        backend.catalog.createOrganization(
          { name: `org${n}`, displayName: 'x', billingEmail: 'x@example.com', masterOrganization: 'x' },
          t0,
        ),
      );
      const orgs = [org, ...(await Promise.all(others))];
      const admins = await Promise.all(
        orgs.map((o) => Promise.all(Array.from({ length: 6 }, () => newUser(['admin'], o.id)))),
      );
      const outcomes = await Promise.all(
        orgs.map((o, k) => Promise.all(admins[k]!.map(({ userId }, i) => change(o.id, userId, i)))),
      );
      for (const [k, o] of orgs.entries()) {
        expect(outcomes[k]!.filter((r) => r === 'last_admin')).toHaveLength(1);
        expect(await activeAdmins(o.id)).toEqual([admins[k]![outcomes[k]!.indexOf('last_admin')]!.userId]);
      }
      return outcomes.flat();
    }

    it('keeps one admin when every admin is demoted at once', async () => {
      const outcomes = await everyAdminAtOnce((orgId, userId) =>
        accounts.putMembership(orgId, userId, ['read'], undefined, t0),
      );
      expect(
        outcomes.filter((o) => typeof o === 'object' && (o as { outcome: string }).outcome === 'updated'),
      ).toHaveLength(4 * 5);
    });

    it('keeps one admin when every admin is removed at once', async () => {
      const outcomes = await everyAdminAtOnce((orgId, userId) => accounts.deleteMembership(orgId, userId));
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(4 * 5);
    });

    it('keeps one admin when some admins are demoted and the others removed at once', async () => {
      await everyAdminAtOnce((orgId, userId, i) =>
        i % 2 === 0
          ? accounts.deleteMembership(orgId, userId)
          : accounts.putMembership(orgId, userId, ['write'], null, t0),
      );
    });

    it('makes one membership of many concurrent PUTs for a new member', async () => {
      await newUser(['admin']);
      const { userId } = await newUser();
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => accounts.putMembership(org.id, userId, ['read'], null, t0)),
      );
      const kinds = outcomes.map((o) => (typeof o === 'object' ? o.outcome : o)).sort();
      expect(kinds).toEqual(['created', ...Array(7).fill('unchanged')]);
      expect((await accounts.listMemberships(org.id)).filter((m) => m.userId === userId)).toHaveLength(1);
    });

    it('gives an organization name to one of many concurrent sign-ups', async () => {
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          accounts.createAccount(
            {
              email: null,
              keyDigest: newDigest(),
              keyComment: null,
              organization: {
                name: 'newco',
                displayName: 'Newco',
                billingEmail: 'n@example.com',
                masterOrganization: 'newco',
              },
            },
            t0,
          ),
        ),
      );
      const made = attempts.filter((a) => a.status === 'fulfilled');
      expect(made).toHaveLength(1);
      for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(OrganizationExistsError);
      const newco = (await backend.catalog.findOrganization('newco'))!;
      // Refused sign-ups left no user behind: only the winner is a member, and only its key exists.
      expect((await accounts.listMemberships(newco.id)).map((m) => m.userId)).toEqual([made[0]!.value.user.id]);
    });

    it('writes a key last use at most once a minute, whoever asks', async () => {
      const { userId } = await newUser();
      // listKeys, as GET /user/apikeys shows it (the embedded read cache keeps found keys with the last use they had).
      const accessed = async () => (await accounts.listKeys(userId))[0]!.accessed?.getTime();
      const keyId = (await accounts.listKeys(userId))[0]!.id;
      expect(await accessed()).toBeUndefined();
      await accounts.touchKey(keyId, t0);
      expect(await accessed()).toBe(t0.getTime());
      // Several nodes touching within the minute: the first write stands.
      await Promise.all([1, 2, 3].map((s) => accounts.touchKey(keyId, new Date(t0.getTime() + s * 10_000))));
      expect(await accessed()).toBe(t0.getTime());
      // A minute on, one of the concurrent touches is written and the others, under a minute after it, are not.
      const later = [60_000, 60_500, 61_000, 61_500].map((ms) => t0.getTime() + ms);
      await Promise.all(later.map((ms) => accounts.touchKey(keyId, new Date(ms))));
      expect(later).toContain(await accessed());
    });
  });
}

races('account races on SQLite', () => openBackend());

describe.skipIf(!adminUrl)('on PostgreSQL from ORIGO_TEST_DATABASE_URL', () => {
  races('account races on PostgreSQL', async () => {
    const database = await createTestDatabase(adminUrl!);
    return openBackend(database.url, database.drop);
  });
});
