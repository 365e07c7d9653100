// Image identity. The hash of an image is sha1(binary_hash + php_serialize(H))
// where H holds the normalized dynamic metadata and the protected flag. For a
// plain upload H is empty and serializes to "a:0:{}", which reproduces the
// hashes rokka itself gives (spec §1.2), so render URLs stay portable.

import { createHash } from 'node:crypto';

export type PhpValue = null | boolean | number | string | PhpValue[] | { [key: string]: PhpValue };

const HEX40 = /^[0-9a-f]{40}$/;

export function isFullHash(value: string): boolean {
  return HEX40.test(value);
}

/** A value usable as `{hash}` in a path: 6 to 40 hex characters, any case. */
export function isHashLike(value: string): boolean {
  return /^[0-9a-fA-F]{6,40}$/.test(value);
}

function phpString(value: string): string {
  return `s:${Buffer.byteLength(value, 'utf8')}:"${value}";`;
}

function phpKey(key: string): string {
  // PHP turns decimal-integer-looking array keys into integers.
  return /^(0|-?[1-9][0-9]*)$/.test(key) && Number.isSafeInteger(Number(key)) ? `i:${key};` : phpString(key);
}

function phpNumber(value: number): string {
  if (Number.isInteger(value) && Number.isSafeInteger(value)) return `i:${value};`;
  if (Number.isNaN(value)) return 'd:NAN;';
  if (!Number.isFinite(value)) return value > 0 ? 'd:INF;' : 'd:-INF;';
  return `d:${String(value)};`;
}

/**
 * PHP's serialize() for JSON-like values. Object keys are sorted by byte
 * order at every level so the result does not depend on key order.
 */
export function phpSerialize(value: PhpValue): string {
  if (value === null) return 'N;';
  if (typeof value === 'boolean') return value ? 'b:1;' : 'b:0;';
  if (typeof value === 'number') return phpNumber(value);
  if (typeof value === 'string') return phpString(value);
  if (Array.isArray(value)) {
    return `a:${value.length}:{${value.map((v, i) => `i:${i};${phpSerialize(v)}`).join('')}}`;
  }
  const keys = Object.keys(value).sort(compareBytes);
  return `a:${keys.length}:{${keys.map((k) => phpKey(k) + phpSerialize(value[k] as PhpValue)).join('')}}`;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sha1Hex(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** The image hash from its binary hash, normalized dynamic metadata and protected flag. */
export function imageHash(
  binaryHash: string,
  dynamicMetadata: Record<string, PhpValue> = {},
  isProtected = false,
): string {
  const h: Record<string, PhpValue> = { ...dynamicMetadata };
  if (isProtected) h['protected'] = true;
  return sha1Hex(binaryHash + phpSerialize(h));
}
