// JSON Web Tokens (HS256) for `Authorization: Bearer`, made from an API key
// by GET /user/apikeys/token. Written here with node:crypto: the format is
// small and a dependency would add more surface than it saves.

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenPayload {
  /** The API key the token was made from: deleting the key revokes its tokens. */
  id: string;
  /** Expiry, unix seconds. */
  exp: number;
  /** Latest expiry any renewal of this token may have, unix seconds. */
  expt: number;
  /** Addresses or CIDR ranges the token may be used from; null = anywhere. */
  ips: string[] | null;
  /** Renewable. */
  rn: boolean;
  iat: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export function signToken(payload: TokenPayload, secret: Buffer): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${HEADER}.${body}`).digest('base64url');
  return `${HEADER}.${body}.${signature}`;
}

/** The payload of a token signed with `secret`, or undefined. Expiry is checked by the caller. */
export function verifyToken(token: string, secret: Buffer): TokenPayload | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, body, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (h.alg !== 'HS256') return undefined;
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<TokenPayload>;
    if (
      typeof p.id !== 'string' ||
      typeof p.exp !== 'number' ||
      typeof p.expt !== 'number' ||
      typeof p.rn !== 'boolean'
    )
      return undefined;
    if (p.ips !== null && !(Array.isArray(p.ips) && p.ips.every((ip) => typeof ip === 'string'))) return undefined;
    return p as TokenPayload;
  } catch {
    return undefined;
  }
}
