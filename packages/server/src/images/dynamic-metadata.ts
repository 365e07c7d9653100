// Dynamic metadata (spec §4): definitions that change how an image renders
// and therefore its hash. Each is validated against the image's size and
// normalized, so that equivalent inputs hash alike.

import { OrigoError } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import type { PhpValue } from './hash.ts';

export const DYNAMIC_NAMES = [
  'subject_area',
  'crop_area',
  'multi_areas',
  'version',
  'detection_face',
  'linked',
] as const;
export type DynamicName = (typeof DYNAMIC_NAMES)[number];

export type DynamicMetadata = Record<string, PhpValue>;

interface ImageSize {
  width: number;
  height: number;
}

function bad(message: string): OrigoError {
  return new OrigoError('ORIGO_ERR_REQUEST_BAD_BODY', message);
}

function onlyKeys(where: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw bad(`${where} has an unknown field ${JSON.stringify(key)}; allowed: ${allowed.join(', ')}`);
    }
  }
}

function integerField(
  where: string,
  value: Record<string, unknown>,
  key: string,
  min: number,
  fallback?: number,
): number {
  const v = value[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw bad(`${where}.${key} is required`);
  }
  // Whole numbers also arrive as "12" (form posts) or 12.0.
  const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw bad(`${where}.${key} must be a whole number, got ${JSON.stringify(v)}`);
  if (n < min) throw bad(`${where}.${key} must be at least ${min}, got ${n}`);
  return n;
}

function area(where: string, value: unknown, size: ImageSize): Record<string, PhpValue> {
  if (!isPlainObject(value))
    throw bad(`${where} must be an object like {"x": 10, "y": 20, "width": 100, "height": 80}`);
  onlyKeys(where, value, ['x', 'y', 'width', 'height', 'percentage']);
  const percentage = value['percentage'];
  if (percentage !== undefined && percentage !== null && typeof percentage !== 'boolean') {
    throw bad(`${where}.percentage must be true or false`);
  }
  const x = integerField(where, value, 'x', 0);
  const y = integerField(where, value, 'y', 0);
  const width = integerField(where, value, 'width', 1, 1);
  const height = integerField(where, value, 'height', 1, 1);
  const maxX = percentage === true ? 100 : size.width;
  const maxY = percentage === true ? 100 : size.height;
  const unit = percentage === true ? '%' : ' px';
  if (x + width > maxX)
    throw bad(`${where} lies outside the image: x + width = ${x + width}${unit} exceeds ${maxX}${unit}`);
  if (y + height > maxY)
    throw bad(`${where} lies outside the image: y + height = ${y + height}${unit} exceeds ${maxY}${unit}`);
  const normalized: Record<string, PhpValue> = { width, height, x, y };
  if (percentage === true) normalized['percentage'] = true;
  return normalized;
}

function multiAreas(value: unknown, size: ImageSize): Record<string, PhpValue> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw bad(
      'multi_areas must be an object of named areas, e.g. {"hero": {"crop_area": {"x": 0, "y": 0, "width": 10, "height": 10}}}',
    );
  }
  const result = new Map<string, PhpValue>();
  for (const [areaName, definition] of Object.entries(value)) {
    const where = `multi_areas.${areaName}`;
    if (!/^[A-Za-z0-9_]{1,54}$/.test(areaName))
      throw bad(`${where}: area names are 1 to 54 characters of A-Z, a-z, 0-9 and _`);
    if (!isPlainObject(definition) || Object.keys(definition).length === 0) {
      throw bad(`${where} must hold a subject_area and/or a crop_area`);
    }
    onlyKeys(where, definition, ['subject_area', 'crop_area']);
    const areas = new Map<string, PhpValue>();
    for (const [kind, def] of Object.entries(definition)) areas.set(kind, area(`${where}.${kind}`, def, size));
    result.set(areaName, Object.fromEntries(areas));
  }
  return Object.fromEntries(result);
}

function version(value: unknown): Record<string, PhpValue> {
  if (!isPlainObject(value)) throw bad('version must be an object like {"text": "v2"}');
  onlyKeys('version', value, ['text']);
  const text = value['text'];
  if (typeof text !== 'string' || text.trim() === '' || text.length > 255) {
    throw bad('version.text must be a non-empty string of at most 255 characters');
  }
  return { text };
}

function linked(value: unknown): Record<string, PhpValue> {
  if (!isPlainObject(value)) throw bad('linked must be an object like {"hashes": ["<hash>", …]}');
  onlyKeys('linked', value, ['hashes']);
  const hashes = value['hashes'];
  if (
    !Array.isArray(hashes) ||
    hashes.length === 0 ||
    hashes.length > 100 ||
    hashes.some((h) => typeof h !== 'string' || !/^[0-9a-f]{6,40}$/.test(h))
  ) {
    throw bad('linked.hashes must be a list of 1 to 100 image hashes');
  }
  return { hashes: [...(hashes as string[])] };
}

export function isDynamicName(name: string): name is DynamicName {
  return (DYNAMIC_NAMES as readonly string[]).includes(name);
}

/** `name` if it is a dynamic metadata name; a 400 naming the known ones otherwise. */
export function requireDynamicName(name: string): DynamicName {
  if (!isDynamicName(name)) {
    throw bad(`Unknown dynamic metadata ${JSON.stringify(name)}; known: ${DYNAMIC_NAMES.join(', ')}`);
  }
  return name;
}

/** Validates a definition of dynamic metadata `name` for an image of `size`; returns its normalized form. */
export function normalizeDynamic(name: string, definition: unknown, size: ImageSize): PhpValue {
  const known = requireDynamicName(name);
  switch (known) {
    case 'subject_area':
    case 'crop_area':
      return area(known, definition, size);
    case 'multi_areas':
      return multiAreas(definition, size);
    case 'version':
      return version(definition);
    case 'linked':
      return linked(definition);
    case 'detection_face':
      throw new OrigoError(
        'ORIGO_ERR_AUTH_FORBIDDEN',
        'detection_face needs face detection, which is not configured on this server',
      );
  }
}
