import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  Accounts,
  ApiKeyRecord,
  Membership,
  NewAccount,
  PutMembershipResult,
  Role,
  User,
  UserOrganization,
} from '../accounts.ts';
import { insertMembership, insertOrganization } from './organizations.ts';
import { forgetIdleBuckets, leaseTokens } from './rate-buckets.ts';
import type { ApiKeysTable, Database, Dialect, MembershipsTable, UsersTable } from './schema.ts';
import { DirectWrites } from './write-batcher.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A key's last use is written at most this often (by all nodes together): the row is touched by every request. */
export const TOUCH_EVERY_MS = 60_000;

const toUser = (row: Selectable<UsersTable>): User => ({
  id: row.id,
  email: row.email,
  created: new Date(Number(row.created)),
});

const toKey = (row: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: row.id,
  userId: row.user_id,
  comment: row.comment,
  created: new Date(Number(row.created)),
  accessed: row.accessed === null ? null : new Date(Number(row.accessed)),
});

const toMembership = (row: Selectable<MembershipsTable> & { email: string | null }): Membership => ({
  orgId: Number(row.org_id),
  userId: row.user_id,
  email: row.email,
  roles: JSON.parse(row.roles) as Role[],
  active: row.active === 1,
  comment: row.comment,
  created: new Date(Number(row.created)),
});

export class SqlAccounts implements Accounts {
  /**
   * One transaction per write, rerun when it lost a unique race to another
   * connection (two sign-ups for one organization name on PostgreSQL: the
   * rerun sees the name taken). On SQLite writers are serialized and never lose one.
   *
   * A check that a write depends on (at most 5 keys, at least one admin)
   * would not hold on PostgreSQL, where two READ COMMITTED transactions can
   * both pass it before either writes: such writes first lock the row that
   * owns what is counted (the user, the organization), so writes to it run
   * one after the other there too. FOR NO KEY UPDATE, not FOR UPDATE: the
   * foreign-key checks of inserts elsewhere (every image insert takes FOR
   * KEY SHARE on its organization) do not wait for it.
   */
  private readonly writes: DirectWrites;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {
    this.writes = new DirectWrites(db);
  }

  /** Locks the row until the transaction ends (PostgreSQL; SQLite serializes every write transaction already). */
  private async lockUser(trx: Transaction<Database>, userId: string): Promise<void> {
    await trx
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .$if(this.dialect === 'postgres', (q) => q.forNoKeyUpdate())
      .execute();
  }

  private async lockOrganization(trx: Transaction<Database>, orgId: number): Promise<void> {
    await trx
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', orgId)
      .$if(this.dialect === 'postgres', (q) => q.forNoKeyUpdate())
      .execute();
  }

  private memberships(db: Db) {
    return db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .selectAll('memberships')
      .select('users.email');
  }

  async createAccount(account: NewAccount, now: Date) {
    return this.writes.run(async (trx) => {
      const user = await trx
        .insertInto('users')
        .values({ id: randomUUID(), email: account.email, created: now.getTime() })
        .returningAll()
        .executeTakeFirstOrThrow();
      const key = await trx
        .insertInto('api_keys')
        .values({
          id: randomUUID(),
          user_id: user.id,
          digest: account.keyDigest,
          comment: account.keyComment,
          created: now.getTime(),
          accessed: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      let membership: Membership | undefined;
      if (account.organization) {
        const organization = await insertOrganization(trx, account.organization, now, user.id);
        return { user: toUser(user), key: toKey(key), organization };
      }
      if (account.membership) {
        const { orgId, roles, comment } = account.membership;
        const row = await insertMembership(trx, { orgId, userId: user.id, roles, comment, now });
        membership = toMembership({ ...row, email: user.email });
      }
      return { user: toUser(user), key: toKey(key), ...(membership ? { membership } : {}) };
    });
  }

  async findUser(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  private async findKey(column: 'api_keys.digest' | 'api_keys.id', value: string) {
    const row = await this.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .selectAll('api_keys')
      .select(['users.email', 'users.created as user_created'])
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row) return undefined;
    return { key: toKey(row), user: toUser({ id: row.user_id, email: row.email, created: row.user_created }) };
  }

  findKeyByDigest(digestHex: string) {
    return this.findKey('api_keys.digest', digestHex);
  }

  findKeyById(keyId: string) {
    return this.findKey('api_keys.id', keyId);
  }

  async listKeys(userId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created')
      .orderBy('id')
      .execute();
    return rows.map(toKey);
  }

  async addKey(userId: string, digestHex: string, comment: string | null, now: Date, maxKeys: number) {
    return this.writes.run(async (trx) => {
      await this.lockUser(trx, userId);
      const { n } = await trx
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      if (Number(n) >= maxKeys) return 'too_many' as const;
      const row = await trx
        .insertInto('api_keys')
        .values({
          id: randomUUID(),
          user_id: userId,
          digest: digestHex,
          comment,
          created: now.getTime(),
          accessed: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toKey(row);
    });
  }

  async deleteKey(userId: string, keyId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('api_keys')
      .where('user_id', '=', userId)
      .where('id', '=', keyId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async touchKey(keyId: string, now: Date): Promise<void> {
    // The condition, not each node's own memory, keeps it to one write a
    // minute however many nodes the key is used on: a row updated by every
    // request would be a hot spot (row lock, dead tuple, WAL) on PostgreSQL.
    await this.db
      .updateTable('api_keys')
      .set({ accessed: now.getTime() })
      .where('id', '=', keyId)
      .where((eb) => eb.or([eb('accessed', 'is', null), eb('accessed', '<=', now.getTime() - TOUCH_EVERY_MS)]))
      .execute();
  }

  async findMembership(orgId: number, userId: string): Promise<Membership | undefined> {
    const row = await this.memberships(this.db)
      .where('memberships.org_id', '=', orgId)
      .where('memberships.user_id', '=', userId)
      .executeTakeFirst();
    return row && toMembership(row);
  }

  async listMemberships(orgId: number): Promise<Membership[]> {
    const rows = await this.memberships(this.db)
      .where('memberships.org_id', '=', orgId)
      .orderBy('memberships.created')
      .execute();
    return rows.map(toMembership);
  }

  async listMembershipsOfUser(userId: string): Promise<Membership[]> {
    const rows = await this.memberships(this.db).where('memberships.user_id', '=', userId).execute();
    return rows.map(toMembership);
  }

  async listOrganizationsOfUser(userId: string): Promise<UserOrganization[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('organizations', 'organizations.id', 'memberships.org_id')
      .select(['organizations.name', 'memberships.roles'])
      .where('memberships.user_id', '=', userId)
      // An inactive membership grants nothing (service/auth.ts): the user cannot work there.
      .where('memberships.active', '=', 1)
      .execute();
    // Sorted here, not by ORDER BY: PostgreSQL's collation may order "-" unlike SQLite's binary one.
    return rows
      .map((row) => ({ organization: row.name, roles: JSON.parse(row.roles) as Role[] }))
      .sort((a, b) => (a.organization < b.organization ? -1 : a.organization > b.organization ? 1 : 0));
  }

  private async otherActiveAdmins(db: Db, orgId: number, userId: string): Promise<number> {
    const rows = await db
      .selectFrom('memberships')
      .select('roles')
      .where('org_id', '=', orgId)
      .where('user_id', '!=', userId)
      .where('active', '=', 1)
      .execute();
    return rows.filter((r) => (JSON.parse(r.roles) as string[]).includes('admin')).length;
  }

  async putMembership(
    orgId: number,
    userId: string,
    roles: Role[],
    comment: string | null | undefined,
    now: Date,
  ): Promise<PutMembershipResult> {
    return this.writes.run(async (trx) => {
      await this.lockOrganization(trx, orgId);
      const user = await trx.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
      if (!user) return 'user_not_found';
      const existing = await trx
        .selectFrom('memberships')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const sorted = [...new Set(roles)].sort();
      if (existing) {
        const wasAdmin = (JSON.parse(existing.roles) as string[]).includes('admin');
        if (wasAdmin && !sorted.includes('admin') && (await this.otherActiveAdmins(trx, orgId, userId)) === 0)
          return 'last_admin';
        const newComment = comment === undefined ? existing.comment : comment;
        if (existing.roles === JSON.stringify(sorted) && newComment === existing.comment) {
          return { membership: toMembership({ ...existing, email: user.email }), outcome: 'unchanged' };
        }
        const row = await trx
          .updateTable('memberships')
          .set({ roles: JSON.stringify(sorted), comment: newComment })
          .where('org_id', '=', orgId)
          .where('user_id', '=', userId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { membership: toMembership({ ...row, email: user.email }), outcome: 'updated' };
      }
      const row = await insertMembership(trx, { orgId, userId, roles: sorted, comment: comment ?? null, now });
      return { membership: toMembership({ ...row, email: user.email }), outcome: 'created' };
    });
  }

  async deleteMembership(orgId: number, userId: string): Promise<'ok' | 'not_found' | 'last_admin'> {
    return this.writes.run(async (trx) => {
      await this.lockOrganization(trx, orgId);
      const existing = await trx
        .selectFrom('memberships')
        .select('roles')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!existing) return 'not_found';
      if (
        (JSON.parse(existing.roles) as string[]).includes('admin') &&
        (await this.otherActiveAdmins(trx, orgId, userId)) === 0
      ) {
        return 'last_admin';
      }
      await trx.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      return 'ok';
    });
  }

  leaseRateTokens(caller: string, want: number, perMinute: number, now: Date) {
    return leaseTokens(this.db, { caller, want, perMinute, now: now.getTime() });
  }

  forgetIdleRateBuckets(now: Date) {
    return forgetIdleBuckets(this.db, now.getTime());
  }

  async setting(name: string, make: () => string): Promise<string> {
    const existing = await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
    if (existing) return existing.value;
    await this.db
      .insertInto('settings')
      .values({ name, value: make() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return row.value;
  }
}
