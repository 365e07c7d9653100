// Parsers for option values; a bad value is a usage error (exit 2) that
// quotes what was given and shows the expected form.

import { InvalidArgumentError } from 'commander';

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}".`);
  return n;
}

/** --concurrency of import and export: at most 64 images at a time, which no server needs more of. */
export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64)
    throw new InvalidArgumentError(`expected a whole number from 1 to 64, got "${value}".`);
  return n;
}

/** commander's collector for a repeatable option: each value appended. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * User metadata from `key=value` pairs. A rokka type prefix in the key
 * (`int:`, `double:`, `bool:`) turns the value into that JSON type, since the
 * server checks it.
 */
export function parseMetaPairs(pairs: readonly string[]): Record<string, string | number | boolean> {
  const meta: Record<string, string | number | boolean> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${pair}".`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    meta[key] = typedMetaValue(key, raw);
  }
  return meta;
}

function typedMetaValue(key: string, raw: string): string | number | boolean {
  if (key.startsWith('int:') || key.startsWith('double:')) {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`"${key}" needs a number, got "${raw}".`);
    return n;
  }
  if (key.startsWith('bool:')) {
    if (raw !== 'true' && raw !== 'false')
      throw new InvalidArgumentError(`"${key}" needs true or false, got "${raw}".`);
    return raw === 'true';
  }
  return raw;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** "x,y,w,h" in whole pixels → an area; width and height at least 1. */
export function parseArea(value: string): Area {
  const parts = value.split(',').map((p) => Number(p.trim()));
  const valid = parts.length === 4 && parts.every((n) => Number.isInteger(n) && n >= 0);
  if (!valid || parts[2] === 0 || parts[3] === 0) {
    throw new InvalidArgumentError(`expected x,y,width,height in whole pixels (e.g. 10,20,300,200), got "${value}".`);
  }
  const [x, y, width, height] = parts as [number, number, number, number];
  return { x, y, width, height };
}
