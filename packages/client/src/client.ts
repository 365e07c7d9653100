// OrigoClient: one object holding the server address, the key and the
// transport settings, with a method for every API call. The calls live in
// api/ (one file per resource); this class only binds them to its transport.

import * as accounts from './api/accounts.ts';
import type { CallOptions } from './api/call-options.ts';
import * as copies from './api/copies.ts';
import * as create from './api/create-source-image.ts';
import * as download from './api/download.ts';
import type { ListQuery } from './api/list-query.ts';
import * as memberships from './api/memberships.ts';
import * as dynamic from './api/meta-dynamic.ts';
import * as metaUser from './api/meta-user.ts';
import * as organizations from './api/organizations.ts';
import { type ClientRenderUrlOptions, RenderUrls, type SignedRenderUrlOptions } from './api/render.ts';
import * as signUrl from './api/sign-url.ts';
import * as images from './api/source-images.ts';
import * as stacks from './api/stacks.ts';
import type { UploadData } from './api/upload-data.ts';
import { Transport } from './http/transport.ts';
import type { DynamicMetadataInputs, OrganizationInput, OrganizationOptions, Role, StackInput } from './types/index.ts';

export interface ClientOptions {
  /** API base, e.g. http://127.0.0.1:8080 (a path below the host is kept). */
  url: string;
  apiKey?: string;
  /**
   * A token from `getToken()` instead of the key, sent as `Authorization: Bearer`. A function is
   * asked before every request, so a renewed token is used without a new client (as the dashboard does).
   */
  token?: string | (() => string | undefined);
  /** Used for every request instead of the global fetch: for tests, proxies, instrumentation. */
  fetch?: typeof fetch;
  /** Per attempt, until the answer's headers arrive; default 30 000. */
  timeoutMs?: number;
  /** Further attempts for requests safe to repeat, after a network error, 429, 502, 503 or 504; default 3. */
  retries?: number;
  /** First backoff step when no Retry-After is sent; doubles each retry, with jitter. Default 500. */
  retryBaseDelayMs?: number;
  userAgent?: string;
}

/** A role of a membership: one origo knows, or any other name a server may accept. */
export type RoleName = Role | (string & {});

export class OrigoClient {
  readonly transport: Transport;
  readonly #render: RenderUrls;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
    this.#render = new RenderUrls(this.transport);
  }

  /** The API base this client talks to, without a trailing slash. */
  get url(): string {
    return this.transport.baseUrl;
  }

  // Source images

  createSourceImage(org: string, name: string, data: UploadData, options?: create.CreateSourceImageOptions) {
    return create.createSourceImage(this.transport, org, name, data, options);
  }
  getSourceImage(org: string, hash: string, options?: images.GetSourceImageOptions) {
    return images.getSourceImage(this.transport, org, hash, options);
  }
  listSourceImages(org: string, query?: ListQuery, options?: CallOptions) {
    return images.listSourceImages(this.transport, org, query, options);
  }
  /** The same as listSourceImages, by rokka's other name: the query is usually the search builder. */
  searchSourceImages(org: string, query?: ListQuery, options?: CallOptions) {
    return images.listSourceImages(this.transport, org, query, options);
  }
  /** `for await (const image of client.iterateSourceImages(org, query))`: every page, by cursor. */
  iterateSourceImages(org: string, query?: ListQuery, options?: images.IterateSourceImagesOptions) {
    return images.iterateSourceImages(this.transport, org, query, options);
  }
  getSourceImagesWithBinaryHash(org: string, binaryHash: string, options?: CallOptions) {
    return images.getSourceImagesWithBinaryHash(this.transport, org, binaryHash, options);
  }
  downloadSourceImage(org: string, hash: string, options?: CallOptions) {
    return download.downloadSourceImage(this.transport, org, hash, options);
  }
  downloadSourceImageBuffer(org: string, hash: string, options?: CallOptions) {
    return download.downloadSourceImageBuffer(this.transport, org, hash, options);
  }
  deleteSourceImage(org: string, hash: string, options?: CallOptions) {
    return images.deleteSourceImage(this.transport, org, hash, options);
  }
  deleteSourceImagesWithBinaryHash(org: string, binaryHash: string, options?: CallOptions) {
    return images.deleteSourceImagesWithBinaryHash(this.transport, org, binaryHash, options);
  }
  restoreSourceImage(org: string, hash: string, options?: CallOptions) {
    return images.restoreSourceImage(this.transport, org, hash, options);
  }
  renameSourceImage(org: string, hash: string, name: string, options?: CallOptions) {
    return images.renameSourceImage(this.transport, org, hash, name, options);
  }
  setSourceImageLocked(org: string, hash: string, locked: boolean, options?: CallOptions) {
    return images.setSourceImageLocked(this.transport, org, hash, locked, options);
  }
  setSourceImageProtected(org: string, hash: string, isProtected: boolean, options?: images.ProtectOptions) {
    return images.setSourceImageProtected(this.transport, org, hash, isProtected, options);
  }
  copySourceImage(org: string, hash: string, destination: string, options?: copies.CopyOptions) {
    return copies.copySourceImage(this.transport, org, hash, destination, options);
  }
  copySourceImages(org: string, hashes: readonly string[], destination: string, options?: copies.CopyOptions) {
    return copies.copySourceImages(this.transport, org, hashes, destination, options);
  }

  // User metadata

  getSourceImageMetaUser(org: string, hash: string, options?: CallOptions) {
    return metaUser.getSourceImageMetaUser(this.transport, org, hash, options);
  }
  getSourceImageMetaUserField(org: string, hash: string, name: string, options?: CallOptions) {
    return metaUser.getSourceImageMetaUserField(this.transport, org, hash, name, options);
  }
  putSourceImageMetaUser(org: string, hash: string, metadata: create.UserMetadataInput, options?: CallOptions) {
    return metaUser.putSourceImageMetaUser(this.transport, org, hash, metadata, options);
  }
  patchSourceImageMetaUser(org: string, hash: string, metadata: create.UserMetadataInput, options?: CallOptions) {
    return metaUser.patchSourceImageMetaUser(this.transport, org, hash, metadata, options);
  }
  deleteSourceImageMetaUser(org: string, hash: string, options?: CallOptions) {
    return metaUser.deleteSourceImageMetaUser(this.transport, org, hash, options);
  }
  putSourceImageMetaUserField(org: string, hash: string, name: string, value: unknown, options?: CallOptions) {
    return metaUser.putSourceImageMetaUserField(this.transport, org, hash, name, value, options);
  }
  deleteSourceImageMetaUserField(org: string, hash: string, name: string, options?: CallOptions) {
    return metaUser.deleteSourceImageMetaUserField(this.transport, org, hash, name, options);
  }

  // Dynamic metadata

  putSourceImageMetaDynamic<N extends keyof DynamicMetadataInputs>(
    org: string,
    hash: string,
    name: N,
    value: DynamicMetadataInputs[N],
    flags?: dynamic.DynamicMetadataFlags,
  ) {
    return dynamic.putSourceImageMetaDynamic(this.transport, org, hash, name, value, flags);
  }
  deleteSourceImageMetaDynamic(org: string, hash: string, name: string, flags?: dynamic.DynamicMetadataFlags) {
    return dynamic.deleteSourceImageMetaDynamic(this.transport, org, hash, name, flags);
  }

  // Organizations

  createOrganization(name: string, input?: OrganizationInput, options?: CallOptions) {
    return organizations.createOrganization(this.transport, name, input, options);
  }
  getOrganization(name: string, options?: CallOptions) {
    return organizations.getOrganization(this.transport, name, options);
  }
  setOrganizationOption(org: string, name: string, value: unknown, options?: CallOptions) {
    return organizations.setOrganizationOption(this.transport, org, name, value, options);
  }
  setOrganizationOptions(org: string, values: OrganizationOptions, options?: CallOptions) {
    return organizations.setOrganizationOptions(this.transport, org, values, options);
  }

  // Stacks and rendering

  createStack(org: string, name: string, definition: StackInput, options?: stacks.CreateStackOptions) {
    return stacks.createStack(this.transport, org, name, definition, options);
  }
  getStack(org: string, name: string, options?: CallOptions) {
    return stacks.getStack(this.transport, org, name, options);
  }
  listStacks(org: string, options?: stacks.ListStacksOptions) {
    return stacks.listStacks(this.transport, org, options);
  }
  deleteStack(org: string, name: string, options?: CallOptions) {
    return stacks.deleteStack(this.transport, org, name, options);
  }
  purgeStackCache(org: string, name: string, options?: CallOptions) {
    return stacks.purgeStackCache(this.transport, org, name, options);
  }
  getOperations(options?: CallOptions) {
    return stacks.getOperations(this.transport, options);
  }
  getStackOptions(options?: CallOptions) {
    return stacks.getStackOptions(this.transport, options);
  }
  /** The render URL of an image on this server (`{url}/render/{organization}/…`), unsigned. */
  renderUrl(options: ClientRenderUrlOptions): string {
    return this.#render.url(options);
  }
  /** The render URL signed here with the organization's signing key (read once from the server). */
  signedRenderUrl(options: ClientRenderUrlOptions, signOptions?: SignedRenderUrlOptions) {
    return this.#render.signed(options, signOptions);
  }
  signUrlOnServer(org: string, url: string, options?: signUrl.SignUrlOnServerOptions) {
    return signUrl.signUrlOnServer(this.transport, org, url, options);
  }

  // Users, keys, memberships

  createUser(email: string, organization: string, options?: CallOptions) {
    return accounts.createUser(this.transport, email, organization, options);
  }
  getCurrentUser(options?: CallOptions) {
    return accounts.getCurrentUser(this.transport, options);
  }
  /** origo extension: the organizations the calling user is a member of, with its roles, by name. */
  listUserOrganizations(options?: CallOptions) {
    return accounts.listUserOrganizations(this.transport, options);
  }
  listApiKeys(options?: CallOptions) {
    return accounts.listApiKeys(this.transport, options);
  }
  addApiKey(comment?: string, options?: CallOptions) {
    return accounts.addApiKey(this.transport, comment, options);
  }
  getCurrentApiKey(options?: CallOptions) {
    return accounts.getCurrentApiKey(this.transport, options);
  }
  deleteApiKey(id: string, options?: CallOptions) {
    return accounts.deleteApiKey(this.transport, id, options);
  }
  getToken(options?: accounts.TokenOptions) {
    return accounts.getToken(this.transport, options);
  }
  listMemberships(org: string, options?: CallOptions) {
    return memberships.listMemberships(this.transport, org, options);
  }
  getMembership(org: string, userId: string, options?: CallOptions) {
    return memberships.getMembership(this.transport, org, userId, options);
  }
  putMembership(org: string, userId: string, roles: readonly RoleName[], options?: memberships.MembershipOptions) {
    return memberships.putMembership(this.transport, org, userId, roles, options);
  }
  createMemberUser(org: string, roles: readonly RoleName[], options?: memberships.MembershipOptions) {
    return memberships.createMemberUser(this.transport, org, roles, options);
  }
  deleteMembership(org: string, userId: string, options?: CallOptions) {
    return memberships.deleteMembership(this.transport, org, userId, options);
  }
}
