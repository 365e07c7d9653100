// Users and their API keys: sign-up, the calling user, its organizations, keys and tokens.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { ApiKey, CreatedUser, NewApiKey, Token, User, UserOrganizationList } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import {
  expectShape,
  isApiKey,
  isApiKeyList,
  isCreatedUser,
  isNewApiKey,
  isToken,
  isUser,
  isUserOrganizationList,
} from './shapes.ts';

export interface TokenOptions extends CallOptions {
  /** Seconds until it expires (the server's default is a day). */
  expiresIn?: number;
  renewable?: boolean;
  noIpProtection?: boolean;
  /** The addresses it is valid from (`request_ip` stands for the caller's). */
  ips?: readonly string[];
}

/** Creates a user and its organization; the key is shown only in this answer. */
export async function createUser(
  t: Transport,
  email: string,
  organization: string,
  options: CallOptions = {},
): Promise<CreatedUser> {
  const body = await t.json({ method: 'POST', path: '/users', json: { email, organization }, signal: options.signal });
  return expectShape(body, isCreatedUser, 'a new user', 'POST /users');
}

export async function getCurrentUser(t: Transport, options: CallOptions = {}): Promise<User> {
  const body = await t.json({ method: 'GET', path: '/user', signal: options.signal });
  return expectShape(body, isUser, 'a user', 'GET /user');
}

/**
 * The organizations the calling user is an active member of, with its roles, sorted by name.
 * An origo extension (rokka has no such route); the root key gets an empty list.
 */
export async function listUserOrganizations(t: Transport, options: CallOptions = {}): Promise<UserOrganizationList> {
  const body = await t.json({ method: 'GET', path: '/user/organizations', signal: options.signal });
  return expectShape(body, isUserOrganizationList, 'a list of organizations', 'GET /user/organizations');
}

export async function listApiKeys(t: Transport, options: CallOptions = {}): Promise<ApiKey[]> {
  const body = await t.json({ method: 'GET', path: '/user/apikeys', signal: options.signal });
  return expectShape(body, isApiKeyList, 'a list of API keys', 'GET /user/apikeys');
}

/** Adds a key to the calling user; the key itself is shown only in this answer. */
export async function addApiKey(t: Transport, comment?: string, options: CallOptions = {}): Promise<NewApiKey> {
  const json = comment === undefined ? {} : { comment };
  const body = await t.json({ method: 'POST', path: '/user/apikeys', json, signal: options.signal });
  return expectShape(body, isNewApiKey, 'a new API key', 'POST /user/apikeys');
}

export async function getCurrentApiKey(t: Transport, options: CallOptions = {}): Promise<ApiKey> {
  const body = await t.json({ method: 'GET', path: '/user/apikeys/current', signal: options.signal });
  return expectShape(body, isApiKey, 'an API key', 'GET /user/apikeys/current');
}

/** Deletes one of the calling user's keys (not the one in use). */
export async function deleteApiKey(t: Transport, id: string, options: CallOptions = {}): Promise<void> {
  await t.empty({ method: 'DELETE', path: pathOf('user', 'apikeys', id), signal: options.signal });
}

/** A JWT for `Authorization: Bearer`, made from the key in use. */
export async function getToken(t: Transport, options: TokenOptions = {}): Promise<Token> {
  const query = {
    expires_in: options.expiresIn,
    renewable: options.renewable,
    no_ip_protection: options.noIpProtection,
    ips: options.ips,
  };
  const body = await t.json({ method: 'GET', path: '/user/apikeys/token', query, signal: options.signal });
  return expectShape(body, isToken, 'a token', 'GET /user/apikeys/token');
}
