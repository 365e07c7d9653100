// Who belongs to an organization, with which roles (admin only).

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { Membership, MembershipList, Role } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { expectShape, isMembership, isMembershipList } from './shapes.ts';

export interface MembershipOptions extends CallOptions {
  comment?: string;
}

export interface PutMembershipResult {
  outcome: 'created' | 'changed' | 'unchanged';
  /** Undefined when unchanged (the server answers 204 with no body). */
  membership: Membership | undefined;
}

type RoleName = Role | (string & {});

const membersPath = (org: string, ...rest: string[]) => pathOf('organizations', org, 'memberships', ...rest);

export async function listMemberships(t: Transport, org: string, options: CallOptions = {}): Promise<MembershipList> {
  const path = membersPath(org);
  const body = await t.json({ method: 'GET', path, signal: options.signal });
  return expectShape(body, isMembershipList, 'a list of memberships', `GET ${path}`);
}

export async function getMembership(
  t: Transport,
  org: string,
  userId: string,
  options: CallOptions = {},
): Promise<Membership> {
  const path = membersPath(org, userId);
  const body = await t.json({ method: 'GET', path, signal: options.signal });
  return expectShape(body, isMembership, 'a membership', `GET ${path}`);
}

/** Gives an existing user these roles in the organization. */
export async function putMembership(
  t: Transport,
  org: string,
  userId: string,
  roles: readonly RoleName[],
  options: MembershipOptions = {},
): Promise<PutMembershipResult> {
  const path = membersPath(org, userId);
  const json = { roles, ...(options.comment !== undefined && { comment: options.comment }) };
  const response = await t.send({ method: 'PUT', path, json, signal: options.signal });
  const text = await response.text();
  if (response.status === 204 || text === '') return { outcome: 'unchanged', membership: undefined };
  const membership = expectShape(JSON.parse(text), isMembership, 'a membership', `PUT ${path}`);
  return { outcome: response.status === 201 ? 'created' : 'changed', membership };
}

/** Makes a new user with an API key and these roles; the key is shown only in this answer (`api_key`). */
export async function createMemberUser(
  t: Transport,
  org: string,
  roles: readonly RoleName[],
  options: MembershipOptions = {},
): Promise<Membership> {
  const path = membersPath(org);
  const json = { roles, ...(options.comment !== undefined && { comment: options.comment }) };
  const body = await t.json({ method: 'POST', path, json, signal: options.signal });
  return expectShape(body, isMembership, 'a membership', `POST ${path}`);
}

export async function deleteMembership(
  t: Transport,
  org: string,
  userId: string,
  options: CallOptions = {},
): Promise<void> {
  await t.empty({ method: 'DELETE', path: membersPath(org, userId), signal: options.signal });
}
