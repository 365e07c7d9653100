// The rokka wire shapes of origo's records.

import type { ApiKeyRecord, Membership } from '../storage/catalog/accounts.ts';
import type { ImageRecord, Organization } from '../storage/catalog/catalog.ts';
import type { SigningKey, StackRecord } from '../storage/catalog/stacks.ts';

/** `YYYY-MM-DDTHH:MM:SS+00:00`: RFC 3339, which every rokka client parses. */
export function rokkaDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

/** A list answer: `{total, items}`, each item a full source image. */
export function imageListJson(
  total: number,
  items: readonly ImageRecord[],
  org: Organization,
): Record<string, unknown> {
  return { total, items: items.map((i) => sourceImageJson(i, org)) };
}

export function sourceImageJson(image: ImageRecord, org: Organization): Record<string, unknown> {
  const json: Record<string, unknown> = {
    hash: image.hash,
    short_hash: image.shortHash,
    binary_hash: image.binaryHash,
    organization: org.name,
    name: image.name,
    format: image.format,
    mimetype: image.mimetype,
    size: image.size,
    width: image.width,
    height: image.height,
    created: rokkaDate(image.created),
    link: `/sourceimages/${org.name}/${image.hash}`,
    protected: image.protected,
    locked: image.locked,
    opaque: image.opaque,
    animated: image.animated,
    deleted: image.deletedAt !== null,
    user_metadata: image.userMetadata,
    dynamic_metadata: image.dynamicMetadata,
  };
  if (Object.keys(image.staticMetadata).length > 0) json['static_metadata'] = image.staticMetadata;
  if (image.deletedAt !== null) json['deleted_date'] = rokkaDate(image.deletedAt);
  return json;
}

/** `signingKeys` only for callers who may sign render URLs; for the others the list is empty. */
export function organizationJson(org: Organization, signingKeys: readonly SigningKey[] = []): Record<string, unknown> {
  return {
    id: org.uuid,
    name: org.name,
    display_name: org.displayName,
    billing_email: org.billingEmail,
    created: rokkaDate(org.created),
    master_organization: org.masterOrganization,
    options: org.options,
    signing_keys: signingKeys.map((k) => ({ key: k.key, created: rokkaDate(k.created) })),
  };
}

/** A stack in rokka's shape; an operation's `expressions` only when it has some. */
export function stackJson(stack: StackRecord, org: Organization): Record<string, unknown> {
  const { definition } = stack;
  return {
    name: stack.name,
    organization: org.name,
    created: rokkaDate(stack.created),
    description: definition.description,
    stack_operations: definition.operations.map((op) => ({
      name: op.name,
      options: op.options,
      ...(Object.keys(op.expressions).length > 0 ? { expressions: op.expressions } : {}),
    })),
    stack_options: definition.options,
    stack_variables: definition.variables,
    stack_expressions: definition.expressions,
    link: `/stacks/${org.name}/${stack.name}`,
  };
}

const serialized = new WeakMap<ImageRecord, string>();

/**
 * The JSON text of an image, remembered per record: the catalog's read cache
 * hands out the same record until a write replaces it, so a hot image is
 * serialized once. Records are never mutated, which makes this safe.
 */
export function sourceImageText(image: ImageRecord, org: Organization): string {
  let text = serialized.get(image);
  if (text === undefined) {
    text = JSON.stringify(sourceImageJson(image, org));
    serialized.set(image, text);
  }
  return text;
}

/** An API key as listed: never the key itself. */
export function keyJson(key: ApiKeyRecord): Record<string, unknown> {
  return {
    id: key.id,
    comment: key.comment,
    created: rokkaDate(key.created),
    ...(key.accessed ? { accessed: rokkaDate(key.accessed) } : {}),
  };
}

/** A membership; `api_key` only when the call made the user and its key. */
export function membershipJson(m: Membership, org: Organization, apiKey?: string): Record<string, unknown> {
  return {
    user_id: m.userId,
    email: m.email,
    organization_id: org.uuid,
    roles: m.roles,
    active: m.active,
    comment: m.comment,
    created: rokkaDate(m.created),
    ...(apiKey ? { api_key: apiKey } : {}),
  };
}
