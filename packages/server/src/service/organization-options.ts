// Organization options (PUT /organizations/{org}/options[/{name}]): the
// ones origo knows, each of one type, stored in the organization's
// `options`. Rendering reads them through here.

import { OrigoError } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import { lruPerOwner } from '../lru.ts';
import type { JsonObject, Organization } from '../storage/catalog/catalog.ts';
import type { ServiceDeps } from './deps.ts';
import { rememberOrganization } from './organizations.ts';

/** Every option an organization may set, and the type of its value. */
export const ORGANIZATION_OPTIONS = {
  /** Unsigned renders of the dynamic stack are refused (spec §7). */
  protect_dynamic_stack: 'boolean',
} as const;

type OptionName = keyof typeof ORGANIZATION_OPTIONS;

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(ORGANIZATION_OPTIONS, name);
}

function badOption(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_ORG_BAD_OPTION', message);
}

/** A checked option value; null (unset the option) passes as null. */
function checkedValue(name: string, value: unknown): boolean | null {
  if (!isOptionName(name)) {
    throw badOption(
      `Unknown organization option ${JSON.stringify(name)}; the options are ${Object.keys(ORGANIZATION_OPTIONS).join(', ')}`,
    );
  }
  if (value === null || typeof value === 'boolean') return value;
  throw badOption(
    `Organization option ${name} must be ${ORGANIZATION_OPTIONS[name]} (true or false), got ${value === undefined ? 'no value' : JSON.stringify(value)}`,
  );
}

function applied(current: JsonObject, changes: Record<string, boolean | null>): JsonObject {
  const next: JsonObject = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
}

async function writeOptions(
  deps: ServiceDeps,
  org: Organization,
  changes: Record<string, boolean | null>,
): Promise<Organization> {
  const updated = await deps.catalog.updateOrganizationOptions(org.id, (current) => applied(current, changes));
  rememberOrganization(deps, updated);
  freshFor(deps).set(updated.id, { options: updated.options, at: deps.now().getTime() });
  return updated;
}

/** Sets one option (null unsets it); 400 ORIGO_ERR_ORG_BAD_OPTION for an unknown name or a value of the wrong type. */
export function setOrganizationOption(
  deps: ServiceDeps,
  org: Organization,
  name: string,
  value: unknown,
): Promise<Organization> {
  return writeOptions(deps, org, { [name]: checkedValue(name, value) });
}

/** Sets the options of an object at once: all of them or, when one is refused, none. */
export function setOrganizationOptions(deps: ServiceDeps, org: Organization, body: unknown): Promise<Organization> {
  if (!isPlainObject(body)) {
    throw badOption(`The body must be a JSON object of options, e.g. {"protect_dynamic_stack": true}`);
  }
  const changes: Record<string, boolean | null> = {};
  for (const [name, value] of Object.entries(body)) changes[name] = checkedValue(name, value);
  return writeOptions(deps, org, changes);
}

/**
 * How long options read from the catalog are trusted. This node's own
 * writes apply at once; another node's (several nodes on PostgreSQL)
 * within this time. A render needs its organization's options, and they
 * change rarely: a query per render would cost more than it is worth.
 */
export const OPTIONS_FRESH_MS = 5_000;
/** Organizations whose options are remembered, per catalog. */
const REMEMBERED = 10_000;
const optionsByCatalog = lruPerOwner<number, { options: JsonObject; at: number }>(REMEMBERED);
const freshFor = (deps: ServiceDeps) => optionsByCatalog(deps.catalog);

/** The organization's options as stored, at most OPTIONS_FRESH_MS old. */
export async function organizationOptions(deps: ServiceDeps, org: Organization): Promise<JsonObject> {
  const lru = freshFor(deps);
  const now = deps.now().getTime();
  const known = lru.get(org.id);
  if (known && now - known.at < OPTIONS_FRESH_MS) return known.options;
  const found = await deps.catalog.findOrganization(org.name);
  const options = found?.options ?? org.options;
  lru.set(org.id, { options, at: now });
  return options;
}

/** Whether unsigned renders of the organization's dynamic stack are refused. */
export async function protectsDynamicStack(deps: ServiceDeps, org: Organization): Promise<boolean> {
  return (await organizationOptions(deps, org))['protect_dynamic_stack'] === true;
}
