// Creating organizations and memberships, shared by the catalog and by the
// accounts (sign-up makes the user, its key and its organization in one
// transaction).

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { type NewOrganization, type Organization, OrganizationExistsError } from '../catalog.ts';
import type { Database, MembershipsTable, OrganizationsTable } from './schema.ts';

export function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    name: row.name,
    displayName: row.display_name,
    billingEmail: row.billing_email,
    masterOrganization: row.master_organization,
    options: JSON.parse(row.options),
    created: new Date(Number(row.created)),
  };
}

/** Inserts the organization (and its admin's membership); throws OrganizationExistsError when the name is taken. */
export async function insertOrganization(
  trx: Transaction<Database> | Kysely<Database>,
  org: NewOrganization,
  now: Date,
  adminUserId?: string,
): Promise<Organization> {
  const existing = await trx.selectFrom('organizations').select('id').where('name', '=', org.name).executeTakeFirst();
  if (existing) throw new OrganizationExistsError(org.name);
  const row = await trx
    .insertInto('organizations')
    .values({
      uuid: randomUUID(),
      name: org.name,
      display_name: org.displayName,
      billing_email: org.billingEmail,
      master_organization: org.masterOrganization,
      options: '{}',
      created: now.getTime(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (adminUserId !== undefined)
    await insertMembership(trx, { orgId: row.id, userId: adminUserId, roles: ['admin'], comment: null, now });
  return toOrganization(row);
}

/** Inserts an active membership; returns its row. */
export function insertMembership(
  trx: Transaction<Database> | Kysely<Database>,
  m: { orgId: number; userId: string; roles: readonly string[]; comment: string | null; now: Date },
): Promise<Selectable<MembershipsTable>> {
  return trx
    .insertInto('memberships')
    .values({
      org_id: m.orgId,
      user_id: m.userId,
      roles: JSON.stringify(m.roles),
      active: 1,
      comment: m.comment,
      created: m.now.getTime(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
