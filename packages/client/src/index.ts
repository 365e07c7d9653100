// origo-client: the typed SDK for origo and other rokka-compatible servers.
// Everything a user imports is exported from here.

export type { TokenOptions } from './api/accounts.ts';
export type { CallOptions } from './api/call-options.ts';
export type { CopyOptions } from './api/copies.ts';
export type {
  CreateSourceImageOptions,
  DynamicMetadataInput,
  UserMetadataInput,
} from './api/create-source-image.ts';
export type { DownloadedSourceImage } from './api/download.ts';
export type { ListQuery, SearchParamsSource } from './api/list-query.ts';
export type { MembershipOptions, PutMembershipResult } from './api/memberships.ts';
export type { DynamicMetadataFlags, DynamicMetadataResult } from './api/meta-dynamic.ts';
export type { ClientRenderUrlOptions, SignedRenderUrlOptions } from './api/render.ts';
export type { SignUrlOnServerOptions } from './api/sign-url.ts';
export type { GetSourceImageOptions, IterateSourceImagesOptions, ProtectOptions } from './api/source-images.ts';
export type { CreateStackOptions, ListStacksOptions } from './api/stacks.ts';
export type { ChunkSource, UploadData } from './api/upload-data.ts';
export { type ClientOptions, OrigoClient, type RoleName } from './client.ts';
export {
  isOrigoApiError,
  isOrigoNetworkError,
  OrigoApiError,
  type OrigoApiErrorInit,
  OrigoNetworkError,
} from './http/errors.ts';
export type { QueryInput, QueryValue } from './http/query.ts';
export { type RequestSpec, Transport, type TransportOptions } from './http/transport.ts';
export * from './render/index.ts';
export * from './search/index.ts';
export type * from './types/index.ts';

export const CLIENT_VERSION = '0.1.0';
