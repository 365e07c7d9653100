// Organizations: create one, read it, set its options.

import { pathOf } from '../http/query.ts';
import type { Transport } from '../http/transport.ts';
import type { Organization, OrganizationInput, OrganizationOptions } from '../types/index.ts';
import type { CallOptions } from './call-options.ts';
import { expectShape, isOrganization, isRecord } from './shapes.ts';

function isOptions(value: unknown): value is OrganizationOptions {
  return isRecord(value);
}

/** Creates the organization; the calling user becomes its admin. 409 when the name is taken. */
export async function createOrganization(
  t: Transport,
  name: string,
  input: OrganizationInput = {},
  options: CallOptions = {},
): Promise<Organization> {
  const path = pathOf('organizations', name);
  const body = await t.json({ method: 'PUT', path, json: input, signal: options.signal });
  return expectShape(body, isOrganization, 'an organization', `PUT ${path}`);
}

export async function getOrganization(t: Transport, name: string, options: CallOptions = {}): Promise<Organization> {
  const path = pathOf('organizations', name);
  const body = await t.json({ method: 'GET', path, signal: options.signal });
  return expectShape(body, isOrganization, 'an organization', `GET ${path}`);
}

/** Sets one option (null unsets it); answers every option now set. */
export async function setOrganizationOption(
  t: Transport,
  org: string,
  name: string,
  value: unknown,
  options: CallOptions = {},
): Promise<OrganizationOptions> {
  const path = pathOf('organizations', org, 'options', name);
  const body = await t.json({ method: 'PUT', path, json: value, signal: options.signal });
  return expectShape(body, isOptions, 'organization options', `PUT ${path}`);
}

/** Sets several options at once, all or none; answers every option now set. */
export async function setOrganizationOptions(
  t: Transport,
  org: string,
  values: OrganizationOptions,
  options: CallOptions = {},
): Promise<OrganizationOptions> {
  const path = pathOf('organizations', org, 'options');
  const body = await t.json({ method: 'PUT', path, json: values, signal: options.signal });
  return expectShape(body, isOptions, 'organization options', `PUT ${path}`);
}
