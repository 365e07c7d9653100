// How a failed remote fetch is reported: ORIGO_ERR_REMOTE_FETCH_FAILED with
// what went wrong in words a user can act on.

import { OrigoError } from '../errors.ts';

export function fetchFailed(what: string, happened: string): OrigoError {
  return new OrigoError('ORIGO_ERR_REMOTE_FETCH_FAILED', `Could not fetch ${what}: ${happened}`);
}

export function describeNetworkError(err: unknown, host: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return `the host name ${host} could not be resolved`;
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
      return 'the server did not answer with valid HTTP';
  }
  if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))) {
    return `the TLS connection failed (${code})`;
  }
  const message = err instanceof Error && err.message !== '' ? err.message : String(err);
  return `the connection failed (${code ?? message})`;
}

export function timeoutError(what: string, ms: number): OrigoError {
  return fetchFailed(what, `no complete answer within ${ms} ms`);
}
