// Helpers for the tenancy tests: requests made with a given user's key or
// token (never the root key unless asked for), and users made through the API.

import { randomUUID } from 'node:crypto';
import type { Role } from '../src/storage/catalog/accounts.ts';
import { type ApiResult, form, ROOT_KEY, readResult, type TestServer } from './helpers.ts';

export interface CallOptions {
  /** An API key; the root key is never added by default. */
  key?: string;
  /** A Bearer token. */
  token?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** A JSON value to send as the body. */
  json?: unknown;
}

export type CallResult = ApiResult;

/** One request, with exactly the credentials given. */
export async function call(
  server: TestServer,
  method: string,
  pathname: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers = new Headers(options.headers);
  if (options.key !== undefined) headers.set('api-key', options.key);
  if (options.token !== undefined) headers.set('authorization', `Bearer ${options.token}`);
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return readResult(await fetch(server.url + pathname, { method, headers, body }));
}

export const root = (options: Omit<CallOptions, 'key'> = {}): CallOptions => ({ ...options, key: ROOT_KEY });

export interface Member {
  userId: string;
  key: string;
}

/** A new user with a key and a membership with `roles`, made by the root key (POST …/memberships). */
export async function addMember(server: TestServer, org: string, roles: Role[]): Promise<Member> {
  const res = await call(server, 'POST', `/organizations/${org}/memberships`, root({ json: { roles } }));
  if (res.status !== 201) throw new Error(`adding a member to ${org}: ${res.status} ${res.text}`);
  return { userId: res.json.user_id, key: res.json.api_key };
}

/** A user that is a member of nowhere: made in `scratchOrg`, then removed from it. */
export async function addLoner(server: TestServer, scratchOrg: string): Promise<Member> {
  const member = await addMember(server, scratchOrg, ['read']);
  const res = await call(server, 'DELETE', `/organizations/${scratchOrg}/memberships/${member.userId}`, root());
  if (res.status !== 204) throw new Error(`removing a member from ${scratchOrg}: ${res.status} ${res.text}`);
  return member;
}

/** A user and its organization via POST /users with the root key; the user is the organization's admin. */
export async function signUp(
  server: TestServer,
  org: string,
  email = `${org}-${randomUUID().slice(0, 8)}@example.com`,
) {
  const res = await call(server, 'POST', '/users', root({ json: { email, organization: org } }));
  if (res.status !== 200) throw new Error(`signing up ${org}: ${res.status} ${res.text}`);
  return { userId: res.json.id as string, email: res.json.email as string, key: res.json.api_key as string };
}

/** Uploads one file with a key (not necessarily the root key); throws unless 200. */
export async function uploadAs(
  server: TestServer,
  key: string,
  org: string,
  name: string,
  bytes: Buffer,
  fields: Record<string, string> = {},
) {
  const res = await call(server, 'POST', `/sourceimages/${org}`, { key, body: form([{ name, bytes }], fields) });
  if (res.status !== 200) throw new Error(`uploading ${name} to ${org}: ${res.status} ${res.text}`);
  return res.json.items[0];
}
