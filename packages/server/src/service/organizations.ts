import { OrigoError } from '../errors.ts';
import { lruPerOwner } from '../lru.ts';
import { type Organization, OrganizationExistsError } from '../storage/catalog/catalog.ts';
import { isEmail, objectBody, optionalString } from './body.ts';
import type { ServiceDeps } from './deps.ts';

const ORG_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isValidOrganizationName(name: string): boolean {
  return ORG_NAME.test(name);
}

/** Refuses (400) a name that is not a valid organization name. */
export function requireValidOrganizationName(name: string): void {
  if (!isValidOrganizationName(name)) {
    throw new OrigoError(
      'ORIGO_ERR_ORG_INVALID_NAME',
      `Organization name ${JSON.stringify(name)} is invalid: use 1 to 63 lowercase letters, digits and "-", starting with a letter or digit`,
    );
  }
}

/** Runs `create`, answering a taken organization name with 409. */
export async function creatingOrganization<T>(name: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (err instanceof OrganizationExistsError) {
      throw new OrigoError('ORIGO_ERR_ORG_EXISTS', `Organization ${JSON.stringify(name)} exists already`);
    }
    throw err;
  }
}

/**
 * Organizations never change name and are never removed, so a found one can
 * be remembered for the life of the process (its options may change on
 * another node: what depends on them reads them through
 * service/organization-options.ts); at most ORG_CACHE_ENTRIES
 * (records of a few hundred bytes: a few MB), the most recently used.
 */
const ORG_CACHE_ENTRIES = 10_000;
const organizationsByCatalog = lruPerOwner<string, Organization>(ORG_CACHE_ENTRIES);
const cacheFor = (deps: ServiceDeps) => organizationsByCatalog(deps.catalog);

/** An organization found before, without a lookup; undefined when it has to be looked up (findOrganization). */
export function rememberedOrganization(deps: ServiceDeps, name: string): Organization | undefined {
  return cacheFor(deps).get(name);
}

/** Replaces the remembered record after a write of this process (its options changed). */
export function rememberOrganization(deps: ServiceDeps, org: Organization): void {
  cacheFor(deps).set(org.name, org);
}

export async function findOrganization(deps: ServiceDeps, name: string): Promise<Organization | undefined> {
  const cached = rememberedOrganization(deps, name);
  if (cached) return cached;
  if (!isValidOrganizationName(name)) return undefined;
  const org = await deps.catalog.findOrganization(name);
  if (org) cacheFor(deps).set(name, org);
  return org;
}

export async function requireOrganization(deps: ServiceDeps, name: string): Promise<Organization> {
  const org = await findOrganization(deps, name);
  if (!org) throw new OrigoError('ORIGO_ERR_ORG_NOT_FOUND', `Organization ${JSON.stringify(name)} does not exist`);
  return org;
}

export async function createOrganization(
  deps: ServiceDeps,
  name: string,
  body: unknown,
  adminUserId?: string,
): Promise<Organization> {
  requireValidOrganizationName(name);
  const input = objectBody(body, 'The body must be a JSON object with display_name and billing_email');
  const billingEmail = optionalString(input, 'billing_email', 254) ?? '';
  if (billingEmail !== '' && !isEmail(billingEmail)) {
    throw new OrigoError(
      'ORIGO_ERR_REQUEST_BAD_BODY',
      `billing_email ${JSON.stringify(billingEmail)} is not an e-mail address`,
    );
  }
  const masterOrganization = optionalString(input, 'master_organization', 63) ?? name;
  if (!isValidOrganizationName(masterOrganization)) {
    throw new OrigoError(
      'ORIGO_ERR_REQUEST_BAD_BODY',
      `master_organization ${JSON.stringify(masterOrganization)} is not a valid organization name`,
    );
  }
  const displayName = optionalString(input, 'display_name', 255) ?? name;
  return creatingOrganization(name, () =>
    deps.catalog.createOrganization({ name, displayName, billingEmail, masterOrganization }, deps.now(), adminUserId),
  );
}
