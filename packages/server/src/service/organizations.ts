import { OrigoError } from '../errors.ts';
import { type Organization, OrganizationExistsError } from '../storage/catalog/catalog.ts';
import type { ServiceDeps } from './deps.ts';

const ORG_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isValidOrganizationName(name: string): boolean {
  return ORG_NAME.test(name);
}

export interface OrganizationInput {
  display_name?: unknown;
  billing_email?: unknown;
  master_organization?: unknown;
}

function optionalString(body: OrganizationInput, field: keyof OrganizationInput, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', `${field} must be a string of at most ${max} characters`);
  }
  return value;
}

/**
 * Organizations never change name and are never removed, so a found one can
 * be remembered for the life of the process.
 */
const cache = new WeakMap<object, Map<string, Organization>>();

function cacheFor(deps: ServiceDeps): Map<string, Organization> {
  let map = cache.get(deps.catalog);
  if (!map) {
    map = new Map();
    cache.set(deps.catalog, map);
  }
  return map;
}

export async function findOrganization(deps: ServiceDeps, name: string): Promise<Organization | undefined> {
  const cached = cacheFor(deps).get(name);
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

export async function createOrganization(deps: ServiceDeps, name: string, body: unknown, adminUserId?: string): Promise<Organization> {
  if (!isValidOrganizationName(name)) {
    throw new OrigoError(
      'ORIGO_ERR_ORG_INVALID_NAME',
      `Organization name ${JSON.stringify(name)} is invalid: use 1 to 63 lowercase letters, digits and "-", starting with a letter or digit`,
    );
  }
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', 'The body must be a JSON object with display_name and billing_email');
  }
  const input = (body ?? {}) as OrganizationInput;
  const billingEmail = optionalString(input, 'billing_email', 254) ?? '';
  if (billingEmail !== '' && !/^[^\s@]+@[^\s@]+$/.test(billingEmail)) {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', `billing_email ${JSON.stringify(billingEmail)} is not an e-mail address`);
  }
  const masterOrganization = optionalString(input, 'master_organization', 63) ?? name;
  if (!isValidOrganizationName(masterOrganization)) {
    throw new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', `master_organization ${JSON.stringify(masterOrganization)} is not a valid organization name`);
  }
  try {
    return await deps.catalog.createOrganization(
      { name, displayName: optionalString(input, 'display_name', 255) ?? name, billingEmail, masterOrganization },
      deps.now(),
      adminUserId,
    );
  } catch (err) {
    if (err instanceof OrganizationExistsError) {
      throw new OrigoError('ORIGO_ERR_ORG_EXISTS', `Organization ${JSON.stringify(name)} exists already`);
    }
    throw err;
  }
}
