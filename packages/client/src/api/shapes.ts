// Type guards for the bodies the server answers: they check the fields a
// caller relies on (identity and lists), so that an answer of the wrong kind
// (a proxy's page, another API) fails here, plainly, not later as undefined.
// Fields a server may leave out (rokka omits empty metadata) are not required.

import { OrigoNetworkError } from '../http/errors.ts';
import { isRecord } from '../http/json.ts';
import type {
  ApiKey,
  BatchCopyResult,
  CreatedUser,
  Membership,
  MembershipList,
  NewApiKey,
  Organization,
  SourceImage,
  SourceImageList,
  Stack,
  StackList,
  Token,
  User,
  UserOrganization,
  UserOrganizationList,
} from '../types/index.ts';

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

export function isSourceImage(value: unknown): value is SourceImage {
  return (
    isRecord(value) && isString(value['hash']) && isString(value['binary_hash']) && isString(value['organization'])
  );
}

function isListOf<T>(value: unknown, item: (v: unknown) => v is T): value is { total: number; items: T[] } {
  return (
    isRecord(value) &&
    Array.isArray(value['items']) &&
    value['items'].every(item) &&
    (value['total'] === undefined || typeof value['total'] === 'number')
  );
}

export function isSourceImageList(value: unknown): value is SourceImageList {
  return (
    isRecord(value) && (value['cursor'] === undefined || isString(value['cursor'])) && isListOf(value, isSourceImage)
  );
}

export function isBatchCopyResult(value: unknown): value is BatchCopyResult {
  return (
    isRecord(value) &&
    isStringList(value['created']) &&
    isStringList(value['existing']) &&
    isStringList(value['notfound'])
  );
}

export function isOrganization(value: unknown): value is Organization {
  return isRecord(value) && isString(value['name']) && isString(value['id']);
}

export function isStack(value: unknown): value is Stack {
  return isRecord(value) && isString(value['name']) && Array.isArray(value['stack_operations']);
}

export function isStackList(value: unknown): value is StackList {
  return isListOf(value, isStack);
}

export function isMembership(value: unknown): value is Membership {
  return isRecord(value) && isString(value['user_id']) && isStringList(value['roles']);
}

export function isMembershipList(value: unknown): value is MembershipList {
  return isListOf(value, isMembership);
}

export function isApiKey(value: unknown): value is ApiKey {
  return isRecord(value) && isString(value['id']);
}

export function isApiKeyList(value: unknown): value is ApiKey[] {
  return Array.isArray(value) && value.every(isApiKey);
}

export function isNewApiKey(value: unknown): value is NewApiKey {
  return isRecord(value) && isString(value['api_key']) && isApiKey(value);
}

export function isCreatedUser(value: unknown): value is CreatedUser {
  return isRecord(value) && isString(value['id']) && isString(value['api_key']);
}

export function isUser(value: unknown): value is User {
  return isRecord(value) && isString(value['user_id']);
}

function isUserOrganization(value: unknown): value is UserOrganization {
  return isRecord(value) && isString(value['organization']) && isStringList(value['roles']);
}

export function isUserOrganizationList(value: unknown): value is UserOrganizationList {
  return isRecord(value) && Array.isArray(value['items']) && value['items'].every(isUserOrganization);
}

export function isToken(value: unknown): value is Token {
  return isRecord(value) && isString(value['token']) && isRecord(value['payload']);
}

export { isRecord, isString };

/** `value` when it has the shape, else an error that says which answer was not what it should be. */
export function expectShape<T>(value: unknown, guard: (v: unknown) => v is T, what: string, request: string): T {
  if (guard(value)) return value;
  const seen = value === undefined ? 'no body' : JSON.stringify(value).slice(0, 200);
  throw new OrigoNetworkError(`${request} answered something that is not ${what}: ${seen}`);
}
