// The `code` of a Node system or module error (ENOENT, EACCES,
// ERR_MODULE_NOT_FOUND), read by a type guard rather than a cast.

export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
